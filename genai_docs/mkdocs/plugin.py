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
import logging
import time
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File

from genai_docs.mkdocs.blocks import Block, BlockError, base_paths, find_blocks
from genai_docs.mkdocs.engine import Engine, Outcome, summary_line
from genai_docs.mkdocs.render import render_block, render_source

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
    """Seconds a block may run before it is killed, unless it sets its own ``timeout``."""
    preload = c.Optional(c.ListOfItems(c.Type(str)))
    """Modules the worker imports once before forking the blocks, so a block importing them
    starts in milliseconds. Default: those of numpy, matplotlib, torch and transformers that
    the blocks to run may import (found statically, following genai_docs' own imports)."""
    watch = c.ListOfItems(c.Type(str), default=["snippets", "genai_docs"])
    """Folders that ``mkdocs serve`` watches besides the docs (relative to mkdocs.yml)."""


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
        if self.config.timeout <= 0 or self.config.workers < 0:
            raise PluginError(
                "genai_docs: 'timeout' must be positive and 'workers' zero or positive"
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
        collected: list[tuple[str, list[Block]]] = []
        for file in files.documentation_pages():
            try:
                collected.append((file.src_uri, self._page_blocks(file, file.content_string)))
            except BlockError as exc:
                if not self.serving:
                    raise PluginError(f"genai_docs: {exc}") from None
                self.page_errors[file.src_uri] = str(exc)
        if not self.config.execute:
            return files

        start = time.perf_counter()
        blocks = [block for _, page_blocks in collected for block in page_blocks]
        with Engine(
            self.root,
            self.root / self.config.cache_dir,
            self.root / self.config.frozen_dir,
            workers=self.config.workers or None,
            timeout=self.config.timeout,
            preload=tuple(self.config.preload) if self.config.preload is not None else None,
        ) as engine:
            outcomes = engine.run(blocks)
            seconds = time.perf_counter() - start
            engine.write_report(outcomes, seconds)
        log.info(summary_line(outcomes, seconds))

        remaining = iter(outcomes)
        for src_uri, page_blocks in collected:
            self.outcomes[src_uri] = [next(remaining) for _ in page_blocks]
        self._add_figures(files, config, outcomes)

        failures = [outcome for outcome in outcomes if outcome.status == "failed"]
        for outcome in failures:
            (log.error if self.serving else log.debug)(outcome.failure())
        if failures and not self.serving:
            details = "\n\n".join(outcome.failure() for outcome in failures)
            raise PluginError(f"genai_docs: {len(failures)} block(s) failed\n\n{details}")
        return files

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
        if not blocks:
            return markdown
        outcomes = self.outcomes.get(src_uri)
        if self.config.execute and (outcomes is None or len(outcomes) != len(blocks)):
            raise PluginError(
                f"genai_docs: the blocks of {src_uri} changed during the build; build again"
            )
        lines = markdown.splitlines()
        for index in reversed(range(len(blocks))):
            block = blocks[index]
            if self.config.execute:
                rendered = render_block(outcomes[index], self.figures[id(outcomes[index])], src_uri)
            else:
                rendered = render_source(block)
            lines[block.start : block.end] = rendered.splitlines()
        return "\n".join(lines) + "\n"
