"""Find the executable code blocks of a Markdown page, and expand their snippets.

A block is a fenced code block whose info string is ``python`` with ``exec="on"``::

    ```python exec="on" source="tabbed" result="markdown" title="Les poids"
    --8<-- "memoire/poids_1b.py"
    ```

Its body is either one ``--8<-- "path"`` line (the snippet syntax of
``pymdownx.snippets``, resolved against the same base paths) or inline Python code.
Fences inside other fences (a page that shows this very syntax) are skipped, and a block
may sit indented inside an admonition or a content tab.

Option names follow markdown-exec where they overlap (``exec``, ``source``, ``result``,
``title``); ``timeout``, ``max_lines`` and ``requires`` are ours.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Block", "BlockError", "base_paths", "find_blocks", "parse_options"]

OPTIONS = {
    "exec": None,  # "on", "true", "1" (anything else: the block is not executed)
    "source": ("above", "below", "tabbed", "hidden"),  # where the code is shown
    "result": ("text", "markdown"),  # how stdout is shown
    "title": None,  # the code block's title (default: the snippet's path)
    "timeout": None,  # seconds
    "max_lines": None,  # most output lines shown in the page (head and tail kept)
    "requires": ("cuda",),  # a block that needs a GPU: frozen outputs
}
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*)$")
_SNIPPET = re.compile(r"""^[ \t]*-{1,}8<-{1,}[ \t]+(["'])(?P<path>[^"']+)\1[ \t]*$""")


class BlockError(Exception):
    """A malformed block: an unknown option, a missing snippet. Message names the place."""


@dataclass
class Block:
    page: str  # the page, as a path from the repository root
    line: int  # 1-based line of the opening fence in the page
    code: str  # the code that runs (the snippet's content, or the inline code)
    snippet: str | None  # the snippet's path from the repository root, None for inline code
    options: dict[str, str] = field(default_factory=dict)
    start: int = 0  # index of the opening fence line in the page's lines
    end: int = 0  # index just past the closing fence line
    indent: str = ""  # indentation of the fence (inside an admonition or a tab)

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def filename(self) -> str:
        """The name tracebacks give the code."""
        return self.snippet or f"{self.page}:{self.line}"

    @property
    def timeout(self) -> float:
        return float(self.options.get("timeout", 0)) or 0.0

    @property
    def max_lines(self) -> int | None:
        return int(self.options["max_lines"]) if "max_lines" in self.options else None

    @property
    def requires_cuda(self) -> bool:
        return self.options.get("requires") == "cuda"


def parse_options(info: str, where: str) -> dict[str, str] | None:
    """Options of a fence's info string, or None if it is not an executed Python block."""
    language, _, rest = info.strip().partition(" ")
    if language not in ("python", "py"):
        return None
    try:
        words = shlex.split(rest)
    except ValueError as exc:
        raise BlockError(f"{where}: cannot read the block's options ({exc})") from None
    options = {}
    for word in words:
        name, sep, value = word.partition("=")
        options[name] = value if sep else "on"
    if options.get("exec", "").lower() not in ("on", "true", "1", "yes"):
        return None
    for name, value in options.items():
        if name not in OPTIONS:
            raise BlockError(f"{where}: unknown option {name!r} (known: {', '.join(OPTIONS)})")
        allowed = OPTIONS[name]
        if allowed and value not in allowed:
            raise BlockError(f"{where}: {name}={value!r} is not one of {', '.join(allowed)}")
    if "timeout" in options:
        try:
            if float(options["timeout"]) <= 0:
                raise ValueError
        except ValueError:
            raise BlockError(f"{where}: timeout must be a positive number of seconds") from None
    if "max_lines" in options and not (
        options["max_lines"].isdigit() and int(options["max_lines"]) > 0
    ):
        raise BlockError(f"{where}: max_lines must be a positive whole number of lines")
    return options


def base_paths(snippets_config: dict, root: Path) -> list[Path]:
    """The folders ``--8<--`` paths are looked up in: ``pymdownx.snippets``' ``base_path``."""
    bases = snippets_config.get("base_path", ["."])
    return [(root / base).resolve() for base in ([bases] if isinstance(bases, str) else bases)]


def find_blocks(text: str, page: str, root: Path, base_paths: list[Path]) -> list[Block]:
    """Every executed block of a page, with its code expanded."""
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, indent = match["fence"], match["indent"]
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), len(lines))
        where = f"{page}:{i + 1}"
        options = parse_options(match["info"], where)
        if options is not None:
            body = [
                line[len(indent) :] if line.startswith(indent) else line.lstrip()
                for line in lines[i + 1 : end]
            ]
            code, snippet = _expand(body, where, root, base_paths)
            blocks.append(
                Block(page, i + 1, code, snippet, options, i, min(end + 1, len(lines)), indent)
            )
        i = end + 1
    return blocks


def _expand(
    body: list[str], where: str, root: Path, base_paths: list[Path]
) -> tuple[str, str | None]:
    content = [line for line in body if line.strip()]
    includes = [m for m in map(_SNIPPET.match, content) if m]
    if not includes:
        return "\n".join(body).strip("\n") + "\n", None
    if len(content) != 1:
        raise BlockError(f"{where}: a block holds either one --8<-- line or inline code, not both")
    name = includes[0]["path"]
    for base in base_paths:
        path = (base / name).resolve()
        if path.is_file():
            return path.read_text(encoding="utf-8"), path.relative_to(root.resolve()).as_posix()
    searched = ", ".join(p.relative_to(root).as_posix() or "." for p in base_paths)
    raise BlockError(f"{where}: snippet {name!r} not found (searched: {searched})")
