"""``genai-docs freeze``, ``frozen`` and ``report``: GPU measurements, and the last build.

``freeze`` runs every measuring script (``measurements/<name>.py``) on this machine's GPU,
each writing its dataset to ``frozen/<name>.json`` (to be committed; see
:mod:`genai_docs.measurements`), and prints what it recorded and how long each took; then
it stores the output of any ``requires="cuda"`` block, the older way. ``frozen`` lists the
datasets (and frozen block outputs) and whether each is fresh, stale (its measuring code
changed) or missing; with ``--check`` it exits with status 1 when one is not fresh. ``report`` summarises the last site build from
its report: how long it took, its slowest blocks, the shared artifacts it built and the
deprecation warnings its blocks raised; ``report --changes`` says what the last build did
to the outputs (see :mod:`genai_docs.mkdocs.changes`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from genai_docs.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    freeze = subparsers.add_parser(
        "freeze", help="mesurer sur GPU et enregistrer chaque jeu de mesures (measurements/)"
    )
    freeze.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="le mkdocs.yml du site"
    )
    freeze.add_argument(
        "--only",
        nargs="+",
        metavar="NOM",
        help="seulement ces jeux de mesures (measurements/NOM.py)",
    )
    freeze.add_argument(
        "--timeout", type=int, default=600, help="secondes au plus par script de mesure"
    )
    freeze.set_defaults(func=run_freeze)
    frozen = subparsers.add_parser(
        "frozen", help="lister les mesures GPU enregistrées et dire lesquelles sont périmées"
    )
    frozen.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="le mkdocs.yml du site"
    )
    frozen.add_argument(
        "--check", action="store_true", help="code de sortie 1 si une sortie est périmée"
    )
    frozen.set_defaults(func=run_frozen)
    report = subparsers.add_parser(
        "report", help="résumer la dernière construction du site (durées, blocs les plus lents)"
    )
    report.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="le mkdocs.yml du site"
    )
    report.add_argument("--top", type=int, default=3, help="combien de blocs lents montrer")
    report.add_argument(
        "--changes",
        action="store_true",
        help="ce que la dernière construction a changé dans les sorties (nombres, lignes, "
        "figures, valeurs, affirmations), bloc par bloc",
    )
    report.set_defaults(func=run_report)


def _site(config: Path):
    from genai_docs.mkdocs.site import load_site

    if not config.is_file():
        raise UsageError(f"{config}: no such file (run from the repository root or pass --config)")
    return load_site(config)


def run_freeze(args: argparse.Namespace) -> int:
    """Run every measuring script on this machine's GPU, then any ``requires="cuda"`` block."""
    import subprocess

    from genai_docs.measurements import ROOT, scripts

    found = scripts()
    unknown = sorted(set(args.only or ()) - set(found))
    if unknown:
        raise UsageError(
            f"no measuring script for {', '.join(unknown)} (known: {', '.join(found)})"
        )
    chosen = {name: path for name, path in found.items() if not args.only or name in args.only}
    rows, failed = [], 0
    for name, path in chosen.items():
        print(f"== {name}: measurements/{path.name}", flush=True)
        start = time.perf_counter()
        try:
            result = subprocess.run([sys.executable, str(path)], cwd=ROOT, timeout=args.timeout)
            state = {0: "recorded", 2: "no GPU"}.get(
                result.returncode, f"FAILED (exit {result.returncode})"
            )
        except subprocess.TimeoutExpired:
            state = f"FAILED (over {args.timeout} s)"
        seconds = time.perf_counter() - start
        failed += state != "recorded"
        rows.append((name, state, seconds))
    print("\n| dataset | state | seconds |\n| --- | --- | ---: |")
    for name, state, seconds in rows:
        print(f"| {name} | {state} | {seconds:.0f} |")
    print(
        f"{len(rows) - failed} of {len(rows)} dataset(s) recorded in {sum(r[2] for r in rows):.0f} s"
    )
    blocks_failed = _freeze_blocks(args) if not args.only else 0
    return 1 if failed or blocks_failed else 0


def _freeze_blocks(args: argparse.Namespace) -> int:
    """The older way, still supported: store whole outputs of ``requires="cuda"`` blocks."""
    from genai_docs.mkdocs.engine import Engine

    site = _site(args.config)
    blocks = [block for block in site.blocks() if block.requires_cuda]
    if not blocks:
        return 0
    # One block at a time: GPU blocks often time things, and two sharing the GPU would
    # disturb each other's measurements.
    with Engine(site.root, site.cache_dir, site.frozen_dir, workers=1, use_cache=False) as engine:
        outcomes = engine.run(blocks, use_frozen=False)
    failed = [o for o in outcomes if o.status == "failed"]
    for outcome in outcomes:
        state = (
            "FAILED"
            if outcome.status == "failed"
            else f"frozen ({outcome.execution.seconds:.1f} s)"
        )
        print(f"{outcome.block.snippet}: {state}")
    for outcome in failed:
        print(outcome.failure(), file=sys.stderr)
    return len(failed)


def run_frozen(args: argparse.Namespace) -> int:
    from genai_docs.measurements import all_datasets
    from genai_docs.mkdocs.engine import PACKAGE_ROOT
    from genai_docs.mkdocs.frozen import FrozenStore

    site = _site(args.config)
    stale = 0
    print("| dataset | state | recorded on | date | why |\n| --- | --- | --- | --- | --- |")
    for name, dataset in all_datasets().items():
        if dataset is None:
            print(f"| {name} | missing | — | — | never recorded: `make freeze` on a CUDA GPU |")
            stale += 1
            continue
        p = dataset.provenance
        why = "measuring code changed: " + ", ".join(dataset.changed) if dataset.stale else ""
        print(
            f"| {name} | {'stale' if dataset.stale else 'fresh'} | {p.get('gpu', '?')} "
            f"| {p.get('date', '?')} | {why} |"
        )
        stale += dataset.stale
    store = FrozenStore(site.frozen_dir, site.root, PACKAGE_ROOT)
    used = {block.snippet for block in site.blocks() if block.requires_cuda}
    for snippet in sorted(used - {f.snippet for f in store.all()}):
        print(f"| {snippet} (block) | missing | — | — | |")
        stale += 1
    for frozen in store.all():
        reasons = store.staleness(frozen)
        if frozen.snippet not in used:
            reasons.append("no page uses it")
        p = frozen.provenance
        state = "stale" if reasons else "fresh"
        print(
            f"| {frozen.snippet} (block) | {state} | {p.get('gpu')} | {p.get('date')} | {'; '.join(reasons)} |"
        )
        stale += bool(reasons)
    return 1 if (stale and args.check) else 0


def run_report(args: argparse.Namespace) -> int:
    import json

    from genai_docs.mkdocs.engine import duration

    if args.top < 0:
        raise UsageError(f"--top must be zero or positive, not {args.top}")
    site = _site(args.config)
    if args.changes:
        return _report_changes(site.cache_dir)
    path = site.cache_dir / "build-report.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        summary, blocks = report["summary"], report["blocks"]
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(
            f"no readable build report at {path} (build the site first): {exc}"
        ) from None
    print(
        f"Last site build: {duration(summary['seconds'])} for {summary['blocks']} blocks "
        f"({summary['executed']} executed, {summary['cached']} from cache, "
        f"{summary['frozen']} frozen, {summary['failed']} failed)"
    )
    for artifact in report.get("artifacts", []):
        state = "built" if artifact["status"] == "done" else "FAILED"
        print(f"  artifact {artifact['name']}: {state} in {duration(artifact['seconds'])}")
    ran = [b for b in blocks if b["status"] in ("executed", "failed")]
    for block in sorted(ran, key=lambda b: -b["seconds"])[: args.top]:
        waited = block.get("artifact_seconds", 0.0)
        extra = f" (+ {duration(waited)} on shared artifacts)" if waited >= 1 else ""
        name = block["snippet"] or "inline code"
        print(
            f"  slow block: {block['page']}:{block['line']} {name}: {block['seconds']:.1f} s{extra}"
        )
    warned = [b for b in blocks if b.get("warnings")]
    if warned:
        count = sum(len(b["warnings"]) for b in warned)
        print(f"  {count} deprecation warning(s) raised by {len(warned)} block(s):")
    for block in warned:
        for warning in block["warnings"]:
            print(
                f"    {block['page']}:{block['line']}: {warning['category']} at "
                f"{warning['where']}: {warning['message']}"
            )
    return 0


def _report_changes(cache_dir: Path) -> int:
    """Print what the last build changed in the outputs; add it to a CI job's summary."""
    import json
    import os

    from genai_docs.mkdocs.changes import CHANGES, render

    path = cache_dir / CHANGES
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        found = report["changes"]
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(
            f"no readable change report at {path} (build the site first): {exc}"
        ) from None
    if not report.get("previous"):
        text = "No previous build to compare with: this was the first build of this cache.\n"
        summary = f"### What this build changed\n\n{text}"
    else:
        text, summary = render(found), render(found, markdown=True)
    print(text, end="")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(summary + "\n")
    return 0
