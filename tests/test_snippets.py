"""Every snippet runs without error, through the same engine as the site; every one is shown."""

from __future__ import annotations

from pathlib import Path

from genai_docs.mkdocs.blocks import Block
from genai_docs.mkdocs.engine import Engine
from genai_docs.mkdocs.site import load_site

ROOT = Path(__file__).resolve().parents[1]


def test_every_snippet_is_shown_by_a_page() -> None:
    site = load_site(ROOT / "mkdocs.yml")
    shown = {block.snippet for block in site.blocks()}
    files = {path.relative_to(ROOT).as_posix() for path in (ROOT / "snippets").rglob("*.py")}
    assert files - shown == set(), "snippets that no page shows"


def test_every_snippet_runs() -> None:
    """GPU blocks run here too, on CPU: their fallback must work. Successes are cached (the
    cache is keyed by code, environment and imported library files), so the site build
    that follows reuses them; a failure is never cached."""
    site = load_site(ROOT / "mkdocs.yml")
    blocks = site.blocks()
    shown = {block.snippet for block in blocks}
    for path in sorted((ROOT / "snippets").rglob("*.py")):
        snippet = path.relative_to(ROOT).as_posix()
        if snippet not in shown:
            blocks.append(Block("(no page)", 0, path.read_text(encoding="utf-8"), snippet))
    with Engine(site.root, site.cache_dir, site.frozen_dir) as engine:
        outcomes = engine.run(blocks, use_frozen=False)
    failures = [outcome.failure() for outcome in outcomes if outcome.status == "failed"]
    assert not failures, "\n\n".join(failures)
    assert all(outcome.execution.stdout or outcome.execution.figures for outcome in outcomes), (
        "a snippet shows nothing"
    )
    # A claim is an assertion about the outputs, whether a sentence cites it or not.
    false = [
        f"{outcome.block.snippet}: claim {name!r} is false: {stated['detail']}"
        for outcome in outcomes
        for name, stated in outcome.execution.claims.items()
        if not stated["holds"]
    ]
    assert not false, "\n".join(false)
