"""Lazy re-exports for a package's ``__init__`` (PEP 562), so importing it stays cheap.

``__getattr__, __dir__ = lazy_exports(__name__, {"GPT": "model", ...}, globals())`` makes
``package.GPT`` import ``package.model`` on first use only: ``genai-docs --help``, which
imports the packages' ``cli`` modules, then does not pay for importing torch.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: dict[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: public name -> defining submodule."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module-level hook's name
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{exports[name]}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807 - the module-level hook's name
        return sorted(set(namespace) | set(namespace.get("__all__", ())))

    return __getattr__, __dir__
