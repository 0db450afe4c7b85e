"""The MkDocs plugin: execute every ``python exec="on"`` block of the site at build time.

Blocks of all pages are collected and run in one parallel batch when MkDocs hands over the
file list (``on_files``), before any page renders; each page then swaps its blocks for
their rendered code and output (``on_page_markdown``). Figures become generated SVG files
of the site. ``mkdocs build`` fails on a failing block, naming the page and line, the
snippet and line, with the traceback; ``mkdocs serve`` shows the same inside the page and
keeps serving. See :mod:`genai_docs.mkdocs.engine` for the cache and frozen outputs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from genai_docs.mkdocs import changes
from genai_docs.mkdocs.blocks import Block, BlockError, base_paths, find_blocks
from genai_docs.mkdocs.cache import write_atomic
from genai_docs.mkdocs.engine import Engine, Outcome, artifact_failures, summary_line
from genai_docs.mkdocs.inline import Claim, Published, substitute
from genai_docs.mkdocs.notebook import executed_notebook, job_code, read_notebook
from genai_docs.mkdocs.reading import level_line
from genai_docs.mkdocs.render import render_block, render_source
from genai_docs.mkdocs.vendor import vendor_files

log = logging.getLogger("mkdocs.plugins.genai_docs")

FIGURES_DIR = "assets/exec"


class ExecConfig(base.Config):
    execute = c.Type(bool, default=True)
    """Run the blocks. When false, pages show the code only (used to time the bare build)."""
    cache_dir = c.Type(str, default=".cache/genai_docs")
    """Where executions are cached and the build report is written (relative to mkdocs.yml)."""
    frozen_dir = c.Type(str, default="frozen")
    """Where frozen GPU outputs are stored, to be committed (relative to mkdocs.yml)."""
    workers = c.Type(int, default=0)
    """How many blocks run at once; 0 means one per CPU core."""
    timeout = c.Type(int, default=300)
    """Seconds a block may run before it is killed, unless it sets its own ``timeout``. Time
    spent building or waiting for a shared artifact (the trained course model) is not
    counted: that has its own limit, ``artifact_timeout``."""
    artifact_timeout = c.Type(int, default=3600)
    """Seconds a shared artifact build (``genai_docs.artifacts.cached_artifact``) may take."""
    max_lines = c.Type(int, default=500)
    """Most lines of a block's output shown in the page (head and tail kept), unless the
    block sets its own ``max_lines``; more is cut, with a note, and a warning in the log."""
    preload = c.Optional(c.ListOfItems(c.Type(str)))
    """Modules the worker imports once before forking the blocks, so a block importing them
    starts in milliseconds. Default: those of numpy, matplotlib, torch and transformers that
    the blocks to run may import (found statically, following genai_docs' own imports)."""
    notebooks = c.ListOfItems(c.Type(str), default=[])
    """Jupytext sources (``notebooks/atelier.py``) executed like blocks and added to the
    site as ``<name>.ipynb`` pages, for mkdocs-jupyter (listed after this plugin) to render."""
    watch = c.ListOfItems(c.Type(str), default=["snippets", "genai_docs", "notebooks"])
    """Folders that ``mkdocs serve`` watches besides the docs (relative to mkdocs.yml)."""
    vendor = c.DictOfItems(c.Type(str), default={})
    """Files served by the site from elsewhere, ``site path: source`` (a file or a folder,
    relative to mkdocs.yml): the JavaScript installed from npm by ``make setup``. A missing
    source fails the build. See :mod:`genai_docs.mkdocs.vendor`."""


def _warn(message: str, chosen: bool) -> None:
    """An output cut by the default limit is a warning (``--strict`` fails); a chosen cut is not."""
    (log.info if chosen else log.warning)(f"genai_docs: {message}")


def failure_message(failures: list[Outcome]) -> str:
    """One message for the build log: each failed artifact once, then each other failure."""
    parts = [f"genai_docs: {len(failures)} block(s) failed"]
    grouped = artifact_failures(failures)
    for name, (why, outcomes) in grouped.items():
        needing = "\n".join(f"  {outcome.failure()}" for outcome in outcomes)
        # the block that ran the build holds the build's own traceback
        cause = next(
            (o.execution.error for o in outcomes if o.execution.artifact.get("built_here")), None
        )
        text = f"artifact {name!r} failed after {why['seconds']:.0f} s: {why['reason']}\n"
        text += f"{len(outcomes)} block(s) need it; it was built once, not retried:\n{needing}"
        parts.append(text + (f"\n{cause.rstrip()}" if cause else ""))
    parts += [o.failure() for o in failures if o.execution.artifact is None]
    return "\n\n".join(parts)


class ExecPlugin(BasePlugin[ExecConfig]):
    def __init__(self) -> None:
        self.serving = False
        self.root = Path()
        self.base_paths: list[Path] = []
        self.outcomes: dict[str, list[Outcome]] = {}  # page src_uri -> its blocks' outcomes
        self.page_errors: dict[str, str] = {}  # page src_uri -> why its blocks could not be read
        self.figures: dict[int, list[str]] = {}  # id(outcome) -> figure URIs

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config):
        self.root = Path(config.config_file_path).resolve().parent
        if "pymdownx.superfences" not in config.markdown_extensions:
            raise PluginError(
                "genai_docs: add 'pymdownx.superfences' to markdown_extensions (needed to show code and tabs)"
            )
        limits = (self.config.timeout, self.config.artifact_timeout, self.config.max_lines)
        if min(limits) <= 0 or self.config.workers < 0:
            raise PluginError(
                "genai_docs: 'timeout', 'artifact_timeout' and 'max_lines' must be positive, "
                "'workers' zero or positive"
            )
        self.base_paths = base_paths(config.mdx_configs.get("pymdownx.snippets", {}), self.root)
        return config

    def on_serve(self, server, *, config, builder):
        for folder in self.config.watch:
            path = self.root / folder
            if path.exists():
                server.watch(str(path))
        return server

    def _page_blocks(self, file: File, text: str) -> list[Block]:
        page = Path(file.abs_src_path).resolve().relative_to(self.root).as_posix()
        return find_blocks(text, page, self.root, self.base_paths)

    def on_files(self, files, *, config):
        self.outcomes, self.page_errors, self.figures = {}, {}, {}
        vendor_files(config, files, self.root, self.config.vendor)
        collected: list[tuple[str, list[Block]]] = []
        for file in files.documentation_pages():
            try:
                collected.append((file.src_uri, self._page_blocks(file, file.content_string)))
            except BlockError as exc:
                if not self.serving:
                    raise PluginError(f"genai_docs: {exc}") from None
                self.page_errors[file.src_uri] = str(exc)
        self._add_snippets(files, config, [b for _, page_blocks in collected for b in page_blocks])
        notebooks = [(path, read_notebook(self.root / path)) for path in self.config.notebooks]
        notebook_blocks = [
            Block(path, 1, job_code(notebook), path, {"timeout": "900"})
            for path, notebook in notebooks
        ]
        if not self.config.execute:
            for path, notebook in notebooks:
                self._add_notebook(files, config, path, notebook)
            return files

        start = time.perf_counter()
        blocks = [block for _, page_blocks in collected for block in page_blocks]
        blocks += notebook_blocks
        with Engine(
            self.root,
            self.root / self.config.cache_dir,
            self.root / self.config.frozen_dir,
            workers=self.config.workers or None,
            timeout=self.config.timeout,
            preload=tuple(self.config.preload) if self.config.preload is not None else None,
            artifact_timeout=self.config.artifact_timeout,
        ) as engine:
            outcomes = engine.run(blocks)
            seconds = time.perf_counter() - start
            engine.write_report(outcomes, seconds)
        log.info(summary_line(outcomes, seconds, engine.artifacts))
        self._log_warnings(outcomes)
        found = changes.record(self.root / self.config.cache_dir, outcomes)
        for change in found or []:
            if change.status == "changed":
                log.info(f"genai_docs: output changed: {change.headline()}")

        remaining = iter(outcomes)
        for src_uri, page_blocks in collected:
            self.outcomes[src_uri] = [next(remaining) for _ in page_blocks]
        for (path, notebook), outcome in zip(notebooks, remaining, strict=True):
            if outcome.status != "failed":
                notebook = executed_notebook(notebook, outcome.execution.stdout)
            self._add_notebook(files, config, path, notebook)
        self._add_figures(files, config, outcomes)

        failures = [outcome for outcome in outcomes if outcome.status == "failed"]
        message = failure_message(failures)
        if failures and self.serving:
            log.error(message)
        if failures and not self.serving:
            raise PluginError(message)
        return files

    def _log_warnings(self, outcomes: list[Outcome]) -> None:
        """Deprecation warnings the blocks raised: the first sign that an API moves under the
        course. One raised by our own code (the library, a snippet) is a warning of the
        build (``--strict`` fails on it); one raised inside another library is logged."""
        for outcome in outcomes:
            for warning in outcome.execution.warnings if outcome.execution else []:
                ours = warning["where"].startswith(("genai_docs/", "snippets/", "notebooks/"))
                text = (
                    f"genai_docs: {outcome.block.where}: {warning['category']} at "
                    f"{warning['where']}: {warning['message']}"
                )
                (log.warning if ours else log.info)(text)

    def _add_snippets(self, files, config, blocks: list[Block]) -> None:
        """Every snippet a page shows, as a file of the site, for its download link."""
        for block in blocks:
            if block.snippet and files.get_file_from_path(block.snippet) is None:
                files.append(File.generated(config, block.snippet, content=block.code))

    def _add_notebook(self, files, config, path: str, notebook: dict) -> None:
        """Write the (executed) notebook under the cache and add it to the site's pages."""
        folder = self.root / self.config.cache_dir / "notebooks"
        name = f"{Path(path).stem}.ipynb"
        write_atomic(folder / name, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        files.append(File(name, str(folder), config.site_dir, config.use_directory_urls))

    def _add_figures(self, files, config, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            uris = []
            for svg in outcome.execution.figures if outcome.execution else []:
                uri = f"{FIGURES_DIR}/{hashlib.sha256(svg.encode()).hexdigest()[:16]}.svg"
                if files.get_file_from_path(uri) is None:
                    files.append(File.generated(config, uri, content=svg))
                uris.append(uri)
            self.figures[id(outcome)] = uris

    def on_page_markdown(self, markdown, *, page, config, files):
        src_uri = page.file.src_uri
        if src_uri in self.page_errors:
            return f'!!! failure "Page mal formée"\n\n    {self.page_errors[src_uri]}\n\n{markdown}'
        try:
            blocks = self._page_blocks(page.file, markdown)
        except BlockError as exc:
            raise PluginError(f"genai_docs: {exc}") from None
        outcomes = self.outcomes.get(src_uri, [])
        if self.config.execute and len(outcomes) != len(blocks):
            raise PluginError(
                f"genai_docs: the blocks of {src_uri} changed during the build; build again"
            )
        level = self._level(markdown, page)
        markdown = self._cite_values(markdown, blocks, outcomes, page)
        lines = markdown.split("\n")  # the blocks' start and end index these lines
        for index in reversed(range(len(blocks))):
            block = blocks[index]
            if self.config.execute:
                outcome = outcomes[index]
                rendered = render_block(
                    outcome, self.figures[id(outcome)], src_uri, self.config.max_lines, _warn
                )
            else:
                rendered = render_source(block, src_uri)
            lines[block.start : block.end] = rendered.splitlines()
        if level is not None:  # under the title; inserted last, the blocks' indices hold
            title = next((i for i, text in enumerate(lines) if text.startswith("# ")), -1)
            lines[title + 1 : title + 1] = ["", level]
        return "\n".join(lines).rstrip("\n") + "\n"

    def _level(self, markdown: str, page) -> str | None:
        """The line that states the level the front matter gives and the reading time of
        ``markdown`` (the page as written: its prose, not its outputs); None without a level."""
        level = page.meta.get("niveau")
        if level is None:
            return None
        try:
            return level_line(str(level), markdown, page.file.src_uri)
        except ValueError as exc:
            raise PluginError(f"genai_docs: {exc}") from None

    def _cite_values(self, markdown: str, blocks: list[Block], outcomes: list[Outcome], page):
        """Replace ``{{ name }}`` and ``{{ claim: name }}`` in the prose with the values and
        claims the page's blocks published; a false cited claim is an error."""
        if "{{" not in markdown:
            return markdown
        where = Path(page.file.abs_src_path).resolve().relative_to(self.root).as_posix()
        values: dict[str, Published] | None = None
        claims: dict[str, Claim] | None = None
        errors: list[str] = []
        if self.config.execute:
            values, claims = {}, {}
            for outcome in outcomes:
                if outcome.execution is None:
                    continue
                source = outcome.block.snippet or outcome.block.where
                for name, text in outcome.execution.values.items():
                    if name in values and values[name].source != source:
                        errors.append(
                            f"{outcome.block.where}: value {name!r} is published twice on this "
                            f"page (also by {values[name].source})"
                        )
                    values[name] = Published(text, source)
                for name, stated in outcome.execution.claims.items():
                    if name in claims and claims[name].source != source:
                        errors.append(
                            f"{outcome.block.where}: claim {name!r} is stated twice on this "
                            f"page (also by {claims[name].source})"
                        )
                    claims[name] = Claim(stated["holds"], stated["detail"], source)
        skip = [(block.start, block.end) for block in blocks]
        markdown, missing = substitute(markdown, values, where, skip, claims)
        errors += missing
        if errors and not any(o.status == "failed" for o in outcomes):
            message = "genai_docs: " + "\n".join(errors)
            if not self.serving:
                raise PluginError(message)
            log.error(message)
        return markdown
