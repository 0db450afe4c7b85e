"""An on-disk cache for heavy artifacts: a trained model, a tokenizer, a dataset.

``cached_artifact(name, build, key=..., code=...)`` returns a directory holding what
``build(directory)`` wrote. The directory is keyed by a SHA-256 of ``key`` (any JSON-able
value; dataclasses and paths are accepted) and of the source of the ``code`` modules or
files, so editing the training code or changing a config builds a new artifact, and an
unchanged one is reused. A file lock makes parallel callers (the docs build runs snippets
in parallel processes) build it once: the others wait, then read it. The lock is an
``flock``, which the system releases when its holder dies: a lock file left behind by a
killed build blocks nothing.

Writes are atomic: ``build`` writes into a temporary directory that is renamed into place
only when it returns. A temporary directory left by a killed build is removed by the next
caller that takes the lock, and by :func:`remove_leftovers`, which the docs engine calls
when a build starts.

**Shared work, outside any block's clock.** Inside the docs build, the worker that runs the
blocks sets ``GENAI_DOCS_ARTIFACT_EVENTS`` to a pipe, and this module tells it when the
calling block starts waiting for an artifact, starts building one, how far the build has
got (:func:`report_progress`), and when it is done. The worker stops the block's clock in
between, applies the artifact limit (the plugin's ``artifact_timeout``) to the build
instead, and logs its progress. We chose this over a first phase that would build every
artifact before the blocks fan out: that phase would need to know which blocks need which
artifact before running them, which only running them tells (a snippet reaches
``load_course_model`` through the library, maybe in one branch), and it would build
artifacts that no block of this build needs (the RNN model, when its block's output is
frozen). Pausing the clock needs no such list and costs nothing when the artifact exists.

**A failure is reported, not retried.** A build that raises, or is killed, leaves a state
file saying so, tagged with the docs build it happened in (``GENAI_DOCS_BUILD_ID``). Any
other block of the same docs build that needs the artifact fails at once with
:class:`ArtifactError` naming the artifact, the cause and how long the build ran, instead of
starting the same doomed build again. The next docs build (or a call outside any docs
build) tries again.

A build runs while every other caller waits on its lock, so it gets every core: torch's
intra-op threads are raised to the number of usable cores for its duration (the docs build runs
each block on a share of the cores). For the same reason, a machine builds one artifact at
a time: two trainings with every core each were measured more than ten times slower side
by side than one after the other.

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
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from filelock import FileLock, Timeout

__all__ = [
    "ArtifactError",
    "cache_dir",
    "cached_artifact",
    "fingerprint",
    "remove_leftovers",
    "report_progress",
    "usable_cores",
]

_COMPLETE = ".complete"
EVENTS_ENV = "GENAI_DOCS_ARTIFACT_EVENTS"  # path of the worker's event pipe (docs build only)
BUILD_ENV = "GENAI_DOCS_BUILD_ID"  # one id per docs build: failures are not retried within it


class ArtifactError(RuntimeError):
    """An artifact could not be built: which one, why, and how long its build ran."""

    def __init__(self, name: str, reason: str, seconds: float) -> None:
        super().__init__(f"artifact {name!r} failed after {seconds:.0f} s: {reason}")
        self.name, self.reason, self.seconds = name, reason, seconds

    @property
    def artifact_failure(self) -> dict[str, Any]:
        """What the docs engine reports once for every block that needed the artifact."""
        return {"name": self.name, "reason": self.reason, "seconds": round(self.seconds, 1)}


def usable_cores() -> int:
    """The cores this process may run on (``taskset`` and CPU affinity respected)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


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


# --- talking to the docs worker ---------------------------------------------------------------

_building: list[str] = []  # names of the artifacts this process is building, innermost last
_last_progress = 0.0


def _emit(event: str, name: str, **fields: Any) -> None:
    """Tell the docs worker (if any) what this block is doing; never fails the block."""
    path = os.environ.get(EVENTS_ENV)
    if not path:
        return
    # time.monotonic() is the system's clock on Linux: the worker reads it as its own
    message = {"event": event, "name": name, "pgid": os.getpgrp(), "at": time.monotonic()}
    message.update(fields)
    line = (json.dumps(message) + "\n").encode()
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, line)  # shorter than PIPE_BUF: written whole, never interleaved
        finally:
            os.close(fd)


def report_progress(done: int, total: int) -> None:
    """Say how far the artifact being built has got (e.g. training steps); cheap to call often."""
    global _last_progress
    now = time.monotonic()
    if not _building or (now - _last_progress < 1.0 and done < total):
        return
    _last_progress = now
    _emit("progress", _building[-1], done=done, total=total)


@contextlib.contextmanager
def _all_cores() -> Iterator[None]:
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(usable_cores())
    try:
        yield
    finally:
        torch.set_num_threads(before)


# --- state of a build: failed, or started by a process that died ------------------------------


def _state_path(parent: Path, digest: str) -> Path:
    return parent / f"{digest}.state.json"


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Replace a build's state file atomically (the docs worker uses it to record a kill)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(state))
    os.replace(tmp, path)


def _raise_if_failed_in_this_build(state_file: Path, name: str) -> None:
    """Called under the lock: fail at once if this docs build already failed to build it."""
    build_id = os.environ.get(BUILD_ENV)
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return
    if not build_id or state.get("build") != build_id:
        return  # another build's failure, or none: try again
    if "error" in state:
        raise ArtifactError(name, state["error"], state.get("seconds", 0.0))
    # Started in this build, not finished, and its lock is free: its process died.
    seconds = time.time() - state.get("started", time.time())
    reason = "its build process ended without finishing (killed, or crashed in native code)"
    raise ArtifactError(name, reason, seconds)


def _remove_tmp_dirs(parent: Path, digest: str) -> None:
    for leftover in parent.glob(f".{digest}-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def remove_leftovers(root: Path | None = None) -> list[Path]:
    """Remove the temporary directories of builds that were killed; return what was removed.

    A directory is removed only if the lock of its artifact is free, i.e. no build of it
    is running.
    """
    removed = []
    artifacts = (root or cache_dir()) / "artifacts"
    for leftover in sorted(artifacts.glob("*/.*-*")):
        if not leftover.is_dir():
            continue
        digest = leftover.name[1:].split("-", 1)[0]
        lock = FileLock(str(leftover.parent / f"{digest}.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue  # being built right now
        try:
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
        finally:
            lock.release()
    return removed


# --- the cache ---------------------------------------------------------------------------------


def cached_artifact(
    name: str,
    build: Callable[[Path], None],
    *,
    key: Any,
    code: Iterable[ModuleType | str | os.PathLike[str]] = (),
) -> Path:
    """Return the directory of artifact ``name`` for ``key`` and ``code``, building it once.

    ``build(directory)`` must write its files into ``directory``; it is called at most once
    per key across processes, and may call :func:`report_progress`. The returned directory
    must be treated as read-only. Raises :class:`ArtifactError` if the build fails, or
    failed earlier in the same docs build.
    """
    digest = fingerprint(key, code)[:20]
    parent = cache_dir() / "artifacts" / name
    final = parent / digest
    if (final / _COMPLETE).exists():
        return final
    parent.mkdir(parents=True, exist_ok=True)
    with _holding(FileLock(str(parent / f"{digest}.lock")), name):
        if (final / _COMPLETE).exists():  # built by another process while we waited
            return final
        state_file = _state_path(parent, digest)
        _raise_if_failed_in_this_build(state_file, name)
        _remove_tmp_dirs(parent, digest)
        with _one_build_at_a_time(name):
            state = {"name": name, "pid": os.getpid(), "build": os.environ.get(BUILD_ENV)}
            write_state(state_file, {**state, "started": time.time()})
            _build(name, build, parent, digest, final, state_file, state)
    return final


@contextlib.contextmanager
def _holding(lock: FileLock, name: str) -> Iterator[None]:
    """Hold ``lock``; if another process holds it, wait off the block's clock."""
    try:
        lock.acquire(timeout=0)
    except Timeout:
        _emit("wait", name)
        try:
            lock.acquire()
        finally:
            _emit("end", name)
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def _one_build_at_a_time(name: str) -> Iterator[None]:
    """Hold the machine's artifact lock: one build at a time, each with every core.

    Two trainings side by side, each with as many threads as cores, do not finish sooner
    than one after the other: their thread pools fight for the cores, and were measured
    more than ten times slower. A nested build (the tokenizer, inside the course model's)
    already holds it.
    """
    if _building:
        yield
        return
    with _holding(FileLock(str(cache_dir() / "artifacts" / ".one-build-at-a-time.lock")), name):
        yield


def _build(
    name: str,
    build: Callable[[Path], None],
    parent: Path,
    digest: str,
    final: Path,
    state_file: Path,
    state: dict[str, Any],
) -> None:
    start = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=parent))
    _building.append(name)
    _emit("build", name, state=str(state_file))
    ok = False
    try:
        with _all_cores():
            build(tmp)
        (tmp / _COMPLETE).write_text(json.dumps({"name": name, "key": digest}))
        if final.exists():  # an incomplete leftover: never trusted
            shutil.rmtree(final)
        os.replace(tmp, final)
        state_file.unlink(missing_ok=True)
        ok = True
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        seconds = time.monotonic() - start
        reason = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        write_state(state_file, {**state, "error": reason, "seconds": round(seconds, 1)})
        if isinstance(exc, Exception):  # not KeyboardInterrupt: that one propagates as is
            raise ArtifactError(name, reason, seconds) from exc
        raise
    finally:
        _building.pop()
        _emit("end", name, ok=ok, seconds=round(time.monotonic() - start, 3))
