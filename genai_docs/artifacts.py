"""An on-disk cache for heavy artifacts: a trained model, a tokenizer, a dataset.

``cached_artifact(name, build, key=..., code=...)`` returns a directory holding what
``build(directory)`` wrote. The directory is keyed by a SHA-256 of ``key`` (any JSON-able
value; dataclasses and paths are accepted) and of the source of the ``code`` modules or
files, so editing the training code or changing a config builds a new artifact, and an
unchanged one is reused. A file lock makes parallel callers (the docs build runs snippets
in parallel processes) build it once: the others wait, then read it.

Writes are atomic: ``build`` writes into a temporary directory that is renamed into place
only when it returns, so a crash never leaves a half-written artifact behind.

A build runs while every other caller waits on its lock, so it gets every core: torch's
intra-op threads are raised to ``os.cpu_count()`` for its duration (the docs build runs
each block on a share of the cores).

The cache lives in ``$GENAI_DOCS_CACHE_DIR/artifacts`` (default ``.cache/genai_docs`` under
the current directory, which is the repository root for snippets run by the docs build).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from filelock import FileLock

__all__ = ["cache_dir", "cached_artifact", "fingerprint"]

_COMPLETE = ".complete"


def cache_dir() -> Path:
    """The root of genai-docs' on-disk caches."""
    return Path(os.environ.get("GENAI_DOCS_CACHE_DIR", ".cache/genai_docs")).resolve()


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, Path):
        return value.as_posix()
    raise TypeError(f"cannot use {type(value).__name__} in an artifact key")


def fingerprint(key: Any, code: Iterable[ModuleType | str | os.PathLike[str]] = ()) -> str:
    """SHA-256 of a JSON-able key and of the bytes of the given modules or files."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=_jsonable).encode())
    for item in code:
        path = Path(item.__file__) if isinstance(item, ModuleType) else Path(item)
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def _all_cores():
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or before)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def cached_artifact(
    name: str,
    build: Callable[[Path], None],
    *,
    key: Any,
    code: Iterable[ModuleType | str | os.PathLike[str]] = (),
) -> Path:
    """Return the directory of artifact ``name`` for ``key`` and ``code``, building it once.

    ``build(directory)`` must write its files into ``directory``; it is called at most once
    per key across processes. The returned directory must be treated as read-only.
    """
    digest = fingerprint(key, code)[:20]
    parent = cache_dir() / "artifacts" / name
    final = parent / digest
    if (final / _COMPLETE).exists():
        return final
    parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(parent / f"{digest}.lock")):
        if (final / _COMPLETE).exists():  # built by another process while we waited
            return final
        tmp = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=parent))
        try:
            with _all_cores():
                build(tmp)
            (tmp / _COMPLETE).write_text(json.dumps({"name": name, "key": digest}))
            if final.exists():  # an incomplete leftover: never trusted
                shutil.rmtree(final)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return final
