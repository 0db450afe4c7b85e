"""The whole site builds with --strict: every block runs, every link and anchor resolves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_site_builds_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "GENAI_DOCS_EXECUTE": "true"},
    )
    assert result.returncode == 0, result.stderr[-5000:]
    report = json.loads((ROOT / ".cache" / "genai_docs" / "build-report.json").read_text())
    assert report["blocks"], "the site executes no block"
    assert {block["status"] for block in report["blocks"]} <= {"executed", "cached", "frozen"}
    nav_pages = [
        "index.html",
        "introduction/index.html",
        "cycle-de-vie/index.html",
        "glossaire/index.html",
    ]
    for page in nav_pages:
        assert (tmp_path / "site" / page).is_file(), page
    assert "genai_docs:" in result.stderr  # the summary line
