"""Turn a block and its outcome into the Markdown that replaces it in the page.

The code is shown in a fenced block titled with the snippet's path, so a reader can follow
it to ``snippets/``. Text output goes in a fenced ``text`` block: Markdown escapes it, so
a snippet printing ``<script>`` shows it, it does not run it. ``result="markdown"`` output
is inserted as Markdown. Figures are linked SVG files. Frozen GPU outputs carry their
provenance; a stale or missing one, and a failure (under ``mkdocs serve``), say so in an
admonition. Everything a reader sees here is in French.
"""

from __future__ import annotations

import posixpath
import re

from genai_docs.mkdocs.blocks import Block
from genai_docs.mkdocs.engine import Outcome

__all__ = ["render_block", "render_failure", "render_source"]


def _fence(content: str, info: str) -> list[str]:
    """A fenced block longer than any run of backticks inside ``content``."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{info}", *content.rstrip("\n").splitlines(), ticks]


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]


def _source(block: Block) -> list[str]:
    title = block.options.get("title", block.snippet or "")
    info = f'python title="{title}"' if title else "python"
    return _fence(block.code, info)


def _gpu_note(outcome: Outcome) -> list[str]:
    frozen = outcome.frozen
    if outcome.status == "frozen":
        return ['!!! info "Sortie GPU figée"', "", f"    {frozen.describe()}"]
    if outcome.gpu_note == "stale":
        return [
            '!!! warning "Sortie GPU périmée : calcul refait sur CPU"',
            "",
            "    Le code de ce bloc a changé depuis que sa sortie a été enregistrée sur GPU. "
            f"{frozen.describe()} Le résultat ci-dessous a été recalculé sur le CPU pendant la "
            "construction du site ; `genai-docs freeze` sur une machine équipée de CUDA le mettra à jour.",
        ]
    if outcome.gpu_note == "missing":
        return [
            '!!! warning "Aucune sortie GPU enregistrée : calcul fait sur CPU"',
            "",
            "    Ce bloc est prévu pour un GPU, mais aucune sortie GPU n'a encore été enregistrée. "
            "Le résultat ci-dessous a été calculé sur le CPU pendant la construction du site.",
        ]
    return []


def _result(outcome: Outcome, block: Block, figures: list[str], page_uri: str) -> list[str]:
    execution = outcome.execution
    lines: list[str] = []
    note = _gpu_note(outcome)
    if note:
        lines += [*note, ""]
    if execution.stdout.strip():
        if block.options.get("result") == "markdown":
            lines += [*execution.stdout.rstrip("\n").splitlines(), ""]
        else:
            lines += [*_fence(execution.stdout, 'text title="Sortie"'), ""]
    page_dir = posixpath.dirname(page_uri)
    for number, uri in enumerate(figures, start=1):
        alt = f"Figure {number} produite par {block.snippet or 'ce bloc'}"
        lines += [f"![{alt}]({posixpath.relpath(uri, page_dir or '.')})", ""]
    return lines


def render_failure(outcome: Outcome) -> list[str]:
    body = _fence(outcome.failure(), "text")
    return ['!!! failure "Échec de l\'exécution de ce bloc"', "", *_indent(body, "    "), ""]


def render_block(outcome: Outcome, figures: list[str], page_uri: str) -> str:
    """The Markdown for one executed (or cached, frozen, failed) block."""
    block = outcome.block
    source = _source(block) + [""]
    if outcome.status == "failed":
        result = render_failure(outcome)
    else:
        result = _result(outcome, block, figures, page_uri)
    where = block.options.get("source", "above")
    if where == "hidden":
        lines = result
    elif where == "below":
        lines = result + source
    elif where == "tabbed":
        lines = [
            '=== "Code"',
            "",
            *_indent(source, "    "),
            '=== "Résultat"',
            "",
            *_indent(result, "    "),
        ]
    else:
        lines = source + result
    return "\n".join(_indent(["", *lines], block.indent)) + "\n"


def render_source(block: Block) -> str:
    """The Markdown for a block when execution is disabled: its code only."""
    return "\n".join(_indent(["", *_source(block), ""], block.indent)) + "\n"
