"""A content-addressed cache of block executions that knows what each block imported.

An entry's key is a SHA-256 of the block's code, of the options that change what runs
(``requires``), and of the environment (:func:`environment`: Python, torch, transformers,
numpy and matplotlib versions, CPU or which GPU, and the engine's own worker). The entry
also records the SHA-256 of every ``genai_docs`` file the run imported or opened; it is a
hit only while all of them are unchanged. Hence: editing prose runs nothing, editing a
snippet runs that block, editing ``genai_docs/memory/training.py`` runs exactly the blocks
that imported it.

Only successful runs are stored. Entries are written to a temporary file then renamed
(atomic on POSIX); an entry that cannot be read or does not match its format is treated
as a miss and overwritten, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

from genai_docs.mkdocs import worker
from genai_docs.mkdocs.runner import Execution, gpu_name

__all__ = ["BlockCache", "environment", "file_hash"]

FORMAT = 2  # bump when the entry layout changes (2: claims, warnings, thumbnails)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


@cache
def environment() -> dict[str, str]:
    """What, besides the code, decides a block's output. Cheap: imports no heavy library."""
    return {
        "python": platform.python_version(),
        "torch": _version("torch"),
        "transformers": _version("transformers"),
        "numpy": _version("numpy"),
        "matplotlib": _version("matplotlib"),
        "device": gpu_name(),
        "engine": file_hash(Path(worker.__file__)),
    }


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class BlockCache:
    def __init__(self, directory: Path, package_root: Path) -> None:
        self.directory = Path(directory) / "blocks"
        self.package_root = Path(package_root)  # the directory holding genai_docs/
        self._hashes: dict[str, str | None] = {}

    def key(self, code: str, requires: str | None) -> str:
        payload = json.dumps(
            {"code": code, "requires": requires, "env": environment()}, sort_keys=True
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def _current_hash(self, relative: str) -> str | None:
        if relative not in self._hashes:
            path = self.package_root / relative
            self._hashes[relative] = file_hash(path) if path.is_file() else None
        return self._hashes[relative]

    def imports_hashes(self, imports: list[str]) -> dict[str, str | None]:
        return {name: self._current_hash(name) for name in imports}

    def get(self, key: str) -> Execution | None:
        path = self.directory / f"{key}.json"
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if entry["format"] != FORMAT or entry["key"] != key:
                return None
            if any(self._current_hash(name) != digest for name, digest in entry["imports"].items()):
                return None
            return Execution.from_dict(entry["execution"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, unreadable or corrupt: a miss

    def put(self, key: str, execution: Execution) -> None:
        if not execution.ok:
            return
        entry = {
            "format": FORMAT,
            "key": key,
            "imports": self.imports_hashes(execution.imports),
            "execution": execution.to_dict(),
        }
        self.directory.mkdir(parents=True, exist_ok=True)
        write_atomic(self.directory / f"{key}.json", json.dumps(entry))


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
