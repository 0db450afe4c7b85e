"""The execution engine on a small site of its own: cache, isolation, errors, frozen outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from genai_docs.mkdocs.blocks import BlockError, find_blocks
from genai_docs.mkdocs.engine import PACKAGE_ROOT, Engine
from genai_docs.mkdocs.frozen import FrozenStore
from genai_docs.mkdocs.runner import Execution
from genai_docs.mkdocs.site import load_site

PRELOAD = ("matplotlib.pyplot", "torch")  # not transformers: these blocks do not use it
MKDOCS_YML = """\
site_name: Test
theme: material
plugins:
  - genai_docs:
      workers: 2
      preload: [matplotlib.pyplot, torch]
markdown_extensions:
  - admonition
  - pymdownx.snippets:
      base_path: [snippets]
      check_paths: true
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
"""


def make_site(root: Path, pages: dict[str, str], snippets: dict[str, str]) -> Path:
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    for name, text in pages.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    for name, code in snippets.items():
        path = root / "snippets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(code))
    return root


def run(root: Path, package_root: Path = PACKAGE_ROOT, **kwargs):
    site = load_site(root / "mkdocs.yml")
    engine = Engine(
        site.root,
        site.cache_dir,
        site.frozen_dir,
        workers=2,
        package_root=package_root,
        preload=PRELOAD,
        **kwargs,
    )
    with engine:
        return engine.run(site.blocks())


def statuses(outcomes) -> list[str]:
    return [outcome.status for outcome in outcomes]


def mkdocs_build(root: Path, *args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *(["-q"] if quiet else []), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
    )


PAGE = """\
# Page

Some prose.

```python exec="on"
--8<-- "a.py"
```

```python exec="on"
--8<-- "b.py"
```
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path,
        {"index.md": PAGE},
        {
            "a.py": "from genai_docs.bigram import BigramModel\nprint(BigramModel.fit('a b a c').next_word('a'))\n",
            "b.py": "print(6 * 7)\n",
        },
    )


def test_cache_hit_then_invalidation_by_snippet_edit(site: Path) -> None:
    first = run(site)
    assert statuses(first) == ["executed", "executed"]
    assert first[1].execution.stdout == "42\n"
    assert statuses(run(site)) == ["cached", "cached"]
    (site / "snippets" / "b.py").write_text("print(6 * 9)\n")
    again = run(site)
    assert statuses(again) == ["cached", "executed"]
    assert again[1].execution.stdout == "54\n"


def test_prose_edit_runs_nothing(site: Path) -> None:
    run(site)
    page = site / "docs" / "index.md"
    page.write_text(page.read_text().replace("Some prose.", "Other prose, longer.\n\nAnd more."))
    assert statuses(run(site)) == ["cached", "cached"]


def test_imports_are_recorded_and_an_imported_module_edit_invalidates(
    site: Path, tmp_path: Path
) -> None:
    package_root = tmp_path / "lib"
    shutil.copytree(
        PACKAGE_ROOT / "genai_docs",
        package_root / "genai_docs",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    first = run(site, package_root)
    assert "genai_docs/bigram.py" in first[0].execution.imports
    assert not any("bigram" in name for name in first[1].execution.imports)

    unrelated = package_root / "genai_docs" / "artifacts.py"
    unrelated.write_text(unrelated.read_text() + "\n# an edit\n")
    assert statuses(run(site, package_root)) == ["cached", "cached"]

    imported = package_root / "genai_docs" / "bigram.py"
    imported.write_text(imported.read_text() + "\n# an edit\n")
    assert statuses(run(site, package_root)) == ["executed", "cached"]


def test_corrupt_cache_entry_is_rerun_not_trusted(site: Path) -> None:
    run(site)
    for entry in (site / ".cache" / "genai_docs" / "blocks").glob("*.json"):
        entry.write_text('{"format": 1, "key": "trunc')
    assert statuses(run(site)) == ["executed", "executed"]
    assert statuses(run(site)) == ["cached", "cached"]


def test_blocks_are_isolated_and_seeded(tmp_path: Path) -> None:
    code = "import random, json\nimport genai_docs\nprint(getattr(genai_docs, 'mark', None), random.random())\ngenai_docs.mark = 1\n"
    page = '```python exec="on"\n--8<-- "x.py"\n```\n\n```python exec="on"\n--8<-- "y.py"\n```\n'
    root = make_site(tmp_path, {"index.md": page}, {"x.py": code, "y.py": code + "# other\n"})
    first, second = run(root)
    assert first.execution.stdout == second.execution.stdout  # no state leaks, same seed
    assert first.execution.stdout.startswith("None 0.844421851")  # random.seed(0)


def test_error_names_page_snippet_line_and_traceback(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {"index.md": '# T\n\ntext\n\n```python exec="on"\n--8<-- "bad.py"\n```\n'},
        {"bad.py": "x = 1\ny = 0\nprint(x / y)\n"},
    )
    (outcome,) = run(root)
    assert outcome.status == "failed"
    message = outcome.failure()
    assert (
        message.splitlines()[0] == "docs/index.md:5: block failed (snippet snippets/bad.py, line 3)"
    )
    assert "ZeroDivisionError" in message
    assert 'File "snippets/bad.py", line 3' in message
    assert "worker.py" not in message  # the engine's frames are not the author's concern

    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "docs/index.md:5: block failed (snippet snippets/bad.py, line 3)" in result.stderr
    report = json.loads((root / ".cache" / "genai_docs" / "build-report.json").read_text())
    assert report["blocks"][0]["status"] == "failed"


def test_timeout_kills_the_block(tmp_path: Path) -> None:
    page = '```python exec="on" timeout="1"\nimport time\ntime.sleep(60)\n```\n'
    root = make_site(tmp_path, {"index.md": page}, {})
    (outcome,) = run(root)
    assert outcome.status == "failed"
    assert "timed out after 1 s" in outcome.failure()
    assert outcome.execution.seconds < 30


def test_build_escapes_output_renders_markdown_and_figures(tmp_path: Path) -> None:
    page = textwrap.dedent(
        """\
        # T

        ```python exec="on"
        print("<script>alert(1)</script>")
        ```

        ```python exec="on" result="markdown" source="hidden"
        print("| a | b |\\n|---|---|\\n| 1 | 2 |")
        ```

        ```python exec="on" source="tabbed"
        --8<-- "fig.py"
        ```
        """
    )
    fig = (
        "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [2, 1, 3])\nplt.title('Une figure')\n"
    )
    root = make_site(tmp_path, {"index.md": page}, {"fig.py": fig})
    assert mkdocs_build(root, "--strict").returncode == 0
    html = (root / "site" / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "<td>1</td>" in html
    svgs = list((root / "site" / "assets" / "exec").glob("*.svg"))
    assert len(svgs) == 1 and f"assets/exec/{svgs[0].name}" in html
    assert "Date" not in svgs[0].read_text()


def test_two_builds_from_an_empty_cache_give_identical_html(tmp_path: Path) -> None:
    fig = "import matplotlib.pyplot as plt\nimport torch\nplt.plot(torch.randn(20).tolist())\nprint(torch.randn(3))\n"
    root = make_site(
        tmp_path,
        {"index.md": '# T\n\n```python exec="on"\n--8<-- "fig.py"\n```\n'},
        {"fig.py": fig},
    )
    pages = []
    for _ in range(2):
        shutil.rmtree(root / ".cache", ignore_errors=True)
        assert mkdocs_build(root).returncode == 0
        pages.append((root / "site" / "index.html").read_text())
        pages.append(next((root / "site" / "assets" / "exec").glob("*.svg")).read_text())
    assert pages[0] == pages[2] and pages[1] == pages[3]


def test_frozen_output_is_shown_and_a_stale_one_rerun_on_cpu(tmp_path: Path) -> None:
    page = '# T\n\n```python exec="on" requires="cuda"\n--8<-- "gpu.py"\n```\n'
    code = "import torch\nprint('cuda' if torch.cuda.is_available() else 'cpu')\n"
    root = make_site(tmp_path, {"index.md": page}, {"gpu.py": code})
    store = FrozenStore(root / "frozen", root, PACKAGE_ROOT)
    origin = {
        "gpu": "NVIDIA H100 80GB HBM3",
        "torch": "2.11.0",
        "cuda": "13.0",
        "python": "3.12.3",
        "date": "2026-11-26",
        "commit": "abc1234",
    }
    store.put(
        "snippets/gpu.py",
        code,
        Execution("ok", stdout="cuda\n", device="NVIDIA H100 80GB HBM3"),
        origin,
    )

    (outcome,) = run(root)
    assert outcome.status == "frozen" and outcome.execution.stdout == "cuda\n"
    assert mkdocs_build(root, "--strict").returncode == 0
    html = (root / "site" / "index.html").read_text()
    assert "NVIDIA H100 80GB HBM3" in html and "abc1234" in html

    (root / "snippets" / "gpu.py").write_text(code + "print('changed')\n")
    (outcome,) = run(root)
    assert outcome.status == "executed" and outcome.gpu_note == "stale"
    assert outcome.execution.stdout == "cpu\nchanged\n"
    assert mkdocs_build(root).returncode == 0
    assert "Sortie GPU périmée" in (root / "site" / "index.html").read_text()

    check = subprocess.run(
        [sys.executable, "-m", "genai_docs.cli", "frozen", "--check"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 1
    assert "| snippets/gpu.py (block) | stale |" in check.stdout
    assert "snippet changed" in check.stdout


def test_serve_shows_the_error_in_the_page(tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = make_site(
        tmp_path, {"index.md": '# T\n\n```python exec="on"\nraise ValueError("boum")\n```\n'}, {}
    )
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)  # does not raise
    html = (root / "site" / "index.html").read_text()
    assert "ValueError: boum" in html and "chec de l" in html


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ('```python exec="on" colour="red"\nx\n```', "unknown option 'colour'"),
        ('```python exec="on" source="left"\nx\n```', "source='left' is not one of"),
        ('```python exec="on" timeout="-1"\nx\n```', "timeout must be a positive number"),
        ('```python exec="on"\n--8<-- "missing.py"\n```', "snippet 'missing.py' not found"),
    ],
)
def test_malformed_blocks_are_named(tmp_path: Path, block: str, message: str) -> None:
    with pytest.raises(BlockError, match=message) as info:
        find_blocks(f"# T\n\n{block}\n", "docs/p.md", tmp_path, [tmp_path])
    assert str(info.value).startswith("docs/p.md:3: ")


def test_fences_inside_other_fences_are_not_executed(tmp_path: Path) -> None:
    text = '````markdown\n```python exec="on"\nraise SystemExit(1)\n```\n````\n\n!!! note\n\n    ```python exec="on"\n    print(1)\n    ```\n'
    (block,) = find_blocks(text, "docs/p.md", tmp_path, [tmp_path])
    assert block.code == "print(1)\n" and block.indent == "    " and block.line == 9


def test_preload_follows_the_library_statically(tmp_path: Path) -> None:
    from genai_docs.mkdocs.runner import third_party_imports

    package = tmp_path / "genai_docs"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from .model import f\n")
    (package / "sub" / "model.py").write_text(
        "def f():\n    import torch\n    from genai_docs import helper\n"
    )
    (package / "helper.py").write_text("import transformers.modeling_utils\n")
    assert third_party_imports(["import numpy as np\nprint(1)\n"], tmp_path) == {"numpy"}
    assert third_party_imports(["from genai_docs.sub import f\n"], tmp_path) == {
        "torch",
        "transformers",
    }


def test_frozen_output_whose_library_changed_says_so(tmp_path: Path) -> None:
    page = '# T\n\n```python exec="on" requires="cuda"\n--8<-- "gpu.py"\n```\n'
    code = "from genai_docs.bigram import BigramModel\nprint('sur GPU')\n"
    root = make_site(tmp_path, {"index.md": page}, {"gpu.py": code})
    store = FrozenStore(root / "frozen", root, PACKAGE_ROOT)
    execution = Execution(
        "ok", stdout="sur GPU\n", device="NVIDIA H200", imports=["genai_docs/bigram.py"]
    )
    origin = {"gpu": "NVIDIA H200", "date": "2026-11-20", "commit": "abc1234"}
    store.put("snippets/gpu.py", code, execution, origin)
    assert mkdocs_build(root, "--strict").returncode == 0
    assert "la bibliothèque a changé" not in (root / "site" / "index.html").read_text()

    record = json.loads(store.path("snippets/gpu.py").read_text())
    record["imports"]["genai_docs/bigram.py"] = "0" * 64  # recorded before an edit of bigram.py
    store.path("snippets/gpu.py").write_text(json.dumps(record))
    (outcome,) = run(root)
    assert outcome.status == "frozen" and outcome.drift == ["genai_docs/bigram.py"]
    assert mkdocs_build(root, "--strict").returncode == 0
    html = (root / "site" / "index.html").read_text()
    assert "la bibliothèque a changé depuis" in html
    assert "<code>genai_docs/bigram.py</code>" in html and "2026-11-20" in html
