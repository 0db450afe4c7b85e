"""Benchmark the docs engine on the real site: cold build, rebuilds, and two baselines.

Run: ``make bench`` or ``.venv/bin/python bench/bench_engine.py``. It copies the site and
the library into ``bench/.work/`` (so editing a module there touches nothing of yours),
then times ``mkdocs build`` in each case, side by side in one run:

1. cold: empty cache, every block runs;
2. rebuild with nothing changed;
3. rebuild after editing one snippet;
4. rebuild after editing one library module (``genai_docs/bigram.py``);
5. the same site with execution disabled (the floor: MkDocs and Material alone);
6. the same pages built by markdown-exec, which runs every block in the MkDocs process,
   one after the other, with no isolation and no cache.

It prints the blocks executed in each case, the ratio of the no-change rebuild to the
build without execution (goal: at most 1.3) and of our cold build to markdown-exec's
(goal: at most 1.0). For the cold build it separates the time spent building shared
artifacts (the trained models, off the blocks' clocks) from the time the blocks ran.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
COPIED = ["mkdocs.yml", "docs", "snippets", "includes", "frozen", "genai_docs", "notebooks"]
COPIED += ["overrides", "package.json"]
LINKED = ["node_modules"]  # read only, and large: linked, not copied


def prepare(name: str) -> Path:
    target = WORK / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for item in COPIED:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, target / item, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / item)
    for item in LINKED:
        (target / item).symlink_to(ROOT / item)
    return target


def build(site: Path, **env: str) -> tuple[float, dict]:
    seconds, report = build_report(site, **env)
    return seconds, report.get("summary", {})


def build_report(site: Path, **env: str) -> tuple[float, dict]:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(site), **env}
    report = site / ".cache" / "genai_docs" / "build-report.json"
    report.unlink(missing_ok=True)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site / "site")],
        cwd=site,
        env=environment,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed in {site}:\n{result.stderr[-3000:]}")
    return seconds, json.loads(report.read_text()) if report.exists() else {}


def markdown_exec_site() -> Path:
    """The same pages for markdown-exec: its plugin instead of ours, its option names."""
    site = prepare("markdown-exec")
    config = (site / "mkdocs.yml").read_text()
    config = re.sub(r"  - genai_docs:\n(      .*\n)*", "  - markdown-exec\n", config)
    (site / "mkdocs.yml").write_text(config)
    for page in (site / "docs").rglob("*.md"):
        text = page.read_text()
        text = re.sub(r' (requires|timeout)="[^"]*"', "", text)
        text = text.replace('source="tabbed"', 'source="tabbed-left"')
        page.write_text(text)
    return site


def median_build(site: Path, runs: int = 3, **env: str) -> tuple[float, dict]:
    results = sorted((build(site, **env) for _ in range(runs)), key=lambda result: result[0])
    return results[runs // 2]


def main() -> None:
    ours = prepare("ours")
    build(ours, GENAI_DOCS_EXECUTE="false")  # warm-up: bytecode and file-system caches
    rows = []
    cold, report = build_report(ours)
    rows.append(("cold build (empty cache)", cold, report["summary"].get("executed")))
    unchanged, summary = median_build(ours)
    rows.append(("rebuild, nothing changed (median of 3)", unchanged, summary.get("executed")))

    snippet = ours / "snippets" / "introduction" / "bigrammes.py"
    snippet.write_text(snippet.read_text() + "\n# une modification\n")
    seconds, summary = build(ours)
    rows.append(("rebuild after editing one snippet", seconds, summary.get("executed")))

    module = ours / "genai_docs" / "bigram.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    seconds, summary = build(ours)
    rows.append(("rebuild after editing genai_docs/bigram.py", seconds, summary.get("executed")))

    bare, _ = median_build(ours, GENAI_DOCS_EXECUTE="false")
    rows.append(("same site, execution disabled (median of 3)", bare, 0))

    other = markdown_exec_site()
    theirs, _ = build(
        other, MPLBACKEND="Agg", HF_HUB_OFFLINE="1", TQDM_DISABLE="1", GENAI_DOCS_EXEC="1"
    )
    rows.append(("markdown-exec, cold (in-process, no cache)", theirs, None))

    print(f"{'case':<46} {'seconds':>8} {'executed':>9}")
    for name, seconds, executed in rows:
        print(f"{name:<46} {seconds:8.2f} {'' if executed is None else executed:>9}")
    print("\ncold build, where the time went:")
    for artifact in report.get("artifacts", []):
        print(
            f"  artifact {artifact['name']:<32} {artifact['seconds']:8.1f} s  ({artifact['status']})"
        )
    blocks = [block for block in report["blocks"] if block["status"] == "executed"]
    own = sum(block["seconds"] for block in blocks)
    slowest = max(blocks, key=lambda block: block["seconds"])
    print(f"  executed blocks, on their own clocks (sum) {own:6.1f} s  ({len(blocks)} blocks)")
    print(f"  slowest block: {slowest['snippet']} {slowest['seconds']:.1f} s")
    print(f"\nno-change rebuild / build without execution: {unchanged / bare:.2f} (goal <= 1.3)")
    print(f"our cold build / markdown-exec cold build:   {cold / theirs:.2f} (goal <= 1.0)")
    print(f"({os.cpu_count()} CPU cores, blocks in the site: {summary.get('blocks')})")


if __name__ == "__main__":
    main()
