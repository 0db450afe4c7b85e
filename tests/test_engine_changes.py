"""What a build did to the outputs: ``genai-docs report --changes``, block by block."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from test_engine import make_site, mkdocs_build

from genai_docs.mkdocs.changes import numbers

SNIPPET = """\
import matplotlib.pyplot as plt

from genai_docs import french
from genai_docs.values import claim, publish

temps = TEMPS
print("| longueur | LSTM (ms) | rapport |")
print("|---:|---:|---:|")
print(f"| 256 | {french.number(temps, 1)} | {french.number(temps / 360, 2)} |")
print("fin")
publish("temps", temps, 1)
claim("plus_rapide", temps < 360, f"{french.number(temps, 1)} < 360")
plt.plot([0, 1], [0, temps])
"""

PAGE = """\
# T

Le LSTM prend {{ temps }} ms.

```python exec="on" result="markdown"
--8<-- "temps.py"
```
"""


def _report(root: Path, summary: Path | None = None) -> str:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if summary is not None:
        env["GITHUB_STEP_SUMMARY"] = str(summary)
    result = subprocess.run(
        [sys.executable, "-m", "genai_docs.cli", "report", "--changes"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_numbers_read_the_sites_french_format() -> None:
    shape, values = numbers(
        "| 1\u202f024 | −0,5 | 3,9\u00a0×\u00a010⁻⁷ | 12\u00a0% | fp16 | 0.25 |"
    )
    assert shape == "| # | # | # | #\u00a0% | fp16 | # |"
    assert values == [1024.0, -0.5, 3.9e-7, 12.0, 0.25]


def test_report_lists_what_moved_and_what_reran_unchanged(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"index.md": PAGE}, {"temps.py": SNIPPET.replace("TEMPS", "322.1")})
    assert mkdocs_build(root).returncode == 0
    assert "No previous build to compare with" in _report(root)

    snippet = root / "snippets" / "temps.py"
    snippet.write_text(SNIPPET.replace("TEMPS", "396.0"))
    assert mkdocs_build(root).returncode == 0
    summary = tmp_path / "summary.md"
    text = _report(root, summary)
    assert "1 block(s) re-ran or changed since the previous build: 1 changed" in text
    assert "docs/index.md:5 snippets/temps.py: changed" in text
    assert "claim plus_rapide: true → FALSE (396,0 < 360)" in text
    assert "value temps: 322,1 → 396,0" in text
    assert "line 3: 322.1 → 396 (+22.9 %)" in text
    assert "line 3: 0.89 → 1.1 (+23.6 %)" in text
    assert "figure 1: " in text and "% of pixels changed" in text
    assert "### What this build changed" in summary.read_text()

    snippet.write_text("# Un commentaire ne change pas la sortie.\n" + snippet.read_text())
    assert mkdocs_build(root).returncode == 0
    text = _report(root)
    assert "1 block(s) re-ran or changed since the previous build: 0 changed, 1 unchanged" in text
    assert "docs/index.md:5 snippets/temps.py: unchanged" in text


def test_deprecation_warnings_are_reported_per_block(tmp_path: Path) -> None:
    code = (
        "import warnings\n"
        'warnings.warn("vieille API", DeprecationWarning)\n'
        'warnings.warn_explicit("API déplacée", FutureWarning, "/x/site-packages/lib/mod.py", 3)\n'
        'print("ok")\n'
    )
    page = '# T\n\n```python exec="on"\n--8<-- "vieux.py"\n```\n'
    root = make_site(tmp_path, {"index.md": page}, {"vieux.py": code})
    strict = mkdocs_build(root, "--strict", quiet=False)
    assert strict.returncode != 0  # our own code raised it: fix it
    assert (
        "docs/index.md:3: DeprecationWarning at snippets/vieux.py:2: vieille API" in strict.stderr
    )
    assert "FutureWarning at lib/mod.py:3: API déplacée" in strict.stderr
    result = subprocess.run(
        [sys.executable, "-m", "genai_docs.cli", "report"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert "2 deprecation warning(s) raised by 1 block(s):" in result.stdout
    assert "docs/index.md:3: FutureWarning at lib/mod.py:3: API déplacée" in result.stdout
