"""The ``genai-docs`` command: one entry point, one sub-command per concept.

Each concept's ``cli`` module exposes ``register(subparsers)``, which adds its
sub-commands and sets ``func`` (called with the parsed arguments, returning an exit
status). A user mistake raises :class:`genai_docs.errors.UsageError`, printed here as one
line with exit status 2: no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from genai_docs.errors import UsageError

# Modules that register sub-commands; each keeps its heavy imports inside its functions,
# so that ``genai-docs --help`` stays fast.
_COMMAND_MODULES = (
    "genai_docs.memory.cli",
    "genai_docs.transformer.cli",
    "genai_docs.mkdocs.cli",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="genai-docs", description="Outils du cours « Introduction à l'IA générative »."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)  # a broken import is an error
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"genai-docs {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
