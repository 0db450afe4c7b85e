"""Turn a block and its outcome into the Markdown that replaces it in the page.

The code is shown in a fenced block titled with the snippet's path, so a reader can follow
it to ``snippets/``, with a link to download the file and run it at home. Text output goes in a fenced ``text`` block: Markdown escapes it, so
a snippet printing ``<script>`` shows it, it does not run it. ``result="markdown"`` output
is inserted as Markdown. Figures are linked SVG files. Frozen GPU outputs carry their
provenance; a stale or missing one, and a failure (under ``mkdocs serve``), say so in an
admonition. Everything a reader sees here is in French.

Output is made safe to show: a carriage return overwrites its line as in a terminal (a
progress bar shows its last state), other C0 control characters become their visible
Unicode pictures (NUL is shown as ␀, never written to the page), and an output longer
than ``max_lines`` keeps its head and its tail around a note saying how many lines were
left out.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from genai_docs.mkdocs.blocks import Block
from genai_docs.mkdocs.engine import Outcome

__all__ = ["clean_output", "cap_lines", "render_block", "render_failure", "render_source"]

MAX_LINE_CHARS = 5_000  # a longer line is cut too: a page must stay readable
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_output(text: str) -> str:
    """Printed text as a terminal would show it, with no control character left in it."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.rstrip("\r").rsplit("\r", 1)[-1]  # "\r" returns to the start of the line
        if len(line) > MAX_LINE_CHARS:
            line = f"{line[:MAX_LINE_CHARS]} [… {len(line) - MAX_LINE_CHARS} caractères omis]"
        lines.append(line)
    text = "\n".join(lines)
    # C0 controls but tab and newline, and DEL, become U+2400..U+241F and U+2421 (␀, ␛, ␡).
    return _CONTROL.sub(lambda m: chr(0x2421 if m[0] == "\x7f" else 0x2400 + ord(m[0])), text)


def cap_lines(text: str, max_lines: int) -> tuple[str, int]:
    """``text`` cut to ``max_lines`` lines (its head and tail), and how many were left out."""
    lines = text.rstrip("\n").split("\n")
    if len(lines) <= max_lines:
        return text, 0
    head = (max_lines + 1) // 2
    tail = max_lines - head
    omitted = len(lines) - max_lines
    note = f"[… {_french_int(omitted)} lignes omises sur {_french_int(len(lines))} …]"
    kept = lines[:head] + [note] + (lines[-tail:] if tail else [])
    return "\n".join(kept) + "\n", omitted


def _french_int(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _fence(content: str, info: str) -> list[str]:
    """A fenced block longer than any run of backticks inside ``content``."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{info}", *content.rstrip("\n").splitlines(), ticks]


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]


def _source(block: Block, page_uri: str = "") -> list[str]:
    title = block.options.get("title", block.snippet or "")
    info = f'python title="{title}"' if title else "python"
    lines = _fence(block.code, info)
    if block.snippet:  # the file itself, to run at home (the plugin adds it to the site)
        name = posixpath.basename(block.snippet)
        link = posixpath.relpath(block.snippet, posixpath.dirname(page_uri) or ".")
        lines += ["", f'[Télécharger `{name}`]({link}){{ .telecharger download="{name}" }}']
    return lines


def _gpu_note(outcome: Outcome) -> list[str]:
    frozen = outcome.frozen
    if outcome.status == "frozen" and outcome.drift:
        files = ", ".join(f"`{name}`" for name in outcome.drift)
        return [
            '!!! warning "Sortie GPU figée : la bibliothèque a changé depuis"',
            "",
            f"    {frozen.describe()} Depuis, des fichiers de la bibliothèque que ce bloc utilise "
            f"ont changé : {files}. Les chiffres ci-dessous peuvent ne plus correspondre au code "
            "actuel ; `genai-docs freeze`, lancé sur une machine équipée de CUDA, les mettra à jour.",
        ]
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


def _result(
    outcome: Outcome,
    block: Block,
    figures: list[str],
    page_uri: str,
    max_lines: int,
    warn: Callable[[str, bool], None] | None,
) -> list[str]:
    execution = outcome.execution
    lines: list[str] = []
    note = _gpu_note(outcome)
    if note:
        lines += [*note, ""]
    if execution.stdout.strip():
        limit = block.max_lines or max_lines
        stdout, omitted = cap_lines(clean_output(execution.stdout), limit)
        if omitted and warn is not None:
            chosen = block.max_lines is not None  # the author asked for the cut: no warning
            warn(f"{block.where}: output cut to {limit} lines, {omitted} left out", chosen)
        if block.options.get("result") == "markdown":
            lines += [*stdout.rstrip("\n").splitlines(), ""]
        else:
            lines += [*_fence(stdout, 'text title="Sortie"'), ""]
    page_dir = posixpath.dirname(page_uri)
    for number, uri in enumerate(figures, start=1):
        alt = f"Figure {number} produite par {block.snippet or 'ce bloc'}"
        lines += [f"![{alt}]({posixpath.relpath(uri, page_dir or '.')})", ""]
    return lines


def render_failure(outcome: Outcome) -> list[str]:
    body = _fence(clean_output(outcome.failure()), "text")
    return ['!!! failure "Échec de l\'exécution de ce bloc"', "", *_indent(body, "    "), ""]


def render_block(
    outcome: Outcome,
    figures: list[str],
    page_uri: str,
    max_lines: int = 500,
    warn: Callable[[str, bool], None] | None = None,
) -> str:
    """The Markdown for one executed (or cached, frozen, failed) block.

    ``max_lines`` is the default cap on shown output lines; ``warn(message, chosen)`` is
    told when an output is cut (``chosen``: the block set its own ``max_lines``).
    """
    block = outcome.block
    source = _source(block, page_uri) + [""]
    if outcome.status == "failed":
        result = render_failure(outcome)
    else:
        result = _result(outcome, block, figures, page_uri, max_lines, warn)
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


def render_source(block: Block, page_uri: str = "") -> str:
    """The Markdown for a block when execution is disabled: its code only."""
    return "\n".join(_indent(["", *_source(block, page_uri), ""], block.indent)) + "\n"
