"""The execution worker: a warm process that forks one isolated child per code block.

Started as ``python -m genai_docs.mkdocs.worker --jobs N --threads T`` by
:mod:`genai_docs.mkdocs.runner`, it imports the heavy libraries once (torch, numpy,
matplotlib, transformers: about 4 s), then serves jobs read as JSON lines on stdin. Each
job runs in a child created by ``fork()``: it starts in milliseconds with those libraries
already imported, yet shares no state with other blocks (its own memory, its own process
group, killed on timeout). At most N children run at once. Replies are JSON lines on the
original stdout; everything the libraries or the children print goes elsewhere.

A block's clock stops while it waits for or builds a shared artifact: the children report
those spans through a named pipe (see :mod:`genai_docs.artifacts`, which explains the
choice), an artifact build gets its own limit (``--artifact-timeout``), and its progress
is relayed to the runner every 10 s as ``{"event": "artifact", ...}`` lines. While a build
runs, no new block starts: the build uses every core.

A child writes into the job's ``out`` directory: ``stdout.txt``, ``stderr.txt``, one
``figure-K.svg`` per matplotlib figure left open, ``values.jsonl`` with the values the
block published for its page's prose (``genai_docs.values``), and ``result.json`` with the traceback
(if any), the line of the failing frame in the block, the artifact that failed (if that
is why), and the ``genai_docs`` source files the block imported or opened (this is what
makes the cache dependency-aware). Its output is unbuffered, so what it printed survives
an ``os._exit``.

The zygote pattern is the one of Android's app launcher and of Python's own
``multiprocessing`` "forkserver" start method; fork is safe here because the worker
starts no thread before forking.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # .../genai_docs
SVG_SALT = "genai-docs"  # matplotlib derives SVG element ids from this: no random ids
EVENTS_ENV = "GENAI_DOCS_ARTIFACT_EVENTS"  # as in genai_docs.artifacts, which is not imported here
VALUES_ENV = "GENAI_DOCS_VALUES"  # as in genai_docs.values


DEFAULT_PRELOAD = ("numpy", "matplotlib.pyplot", "torch", "transformers.modeling_utils")


def preload(modules: tuple[str, ...] = DEFAULT_PRELOAD) -> None:
    """Import the heavy libraries once, before any fork."""
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    for name in modules:
        with contextlib.suppress(ImportError):  # a block that needs it will say so
            importlib.import_module(name)


# What a block's output depends on besides its code: the library, and the GPU measurements
# (frozen/<name>.json) and measuring scripts (measurements/) that a block reads to show them.
TRACKED = (PACKAGE_DIR.name, "frozen", "measurements")


def _package_file(path: str) -> str | None:
    """The path of ``path`` relative to the package's parent, if the block's output may
    depend on it: a library file, a GPU dataset or a measuring script (``TRACKED``)."""
    try:
        resolved = Path(path).resolve()
        relative = resolved.relative_to(PACKAGE_DIR.parent)
    except (ValueError, OSError):
        return None
    if not relative.parts or relative.parts[0] not in TRACKED or "__pycache__" in relative.parts:
        return None
    if resolved == Path(__file__).resolve() or resolved.is_dir():
        return None  # the worker itself is covered by the cache's engine version
    # A file that does not exist counts too (a dataset not recorded yet): the cache keeps
    # "absent", and the block runs again when it appears.
    return relative.as_posix()


def _unbuffered(fd: int) -> io.TextIOWrapper:
    raw = io.FileIO(fd, "w", closefd=False)
    return io.TextIOWrapper(raw, encoding="utf-8", line_buffering=True, write_through=True)


def _die_with_parent(sig: int, parent: int) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies (no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request: follow it now
        os._exit(1)


def run_child(job: dict, threads: int, protocol_fd: int, worker: int) -> None:
    """Body of a forked child: run one block, write its results, never return."""
    os.setpgid(0, 0)  # its own process group, so a timeout kills what it spawned too
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(signal.SIGKILL, worker)  # an orphaned block must not run on
    os.close(protocol_fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # the job stream is the worker's, never the block's
    out = Path(job["out"])
    os.environ[VALUES_ENV] = str(out / "values.jsonl")  # genai_docs.values.publish writes here
    status = 1
    try:
        stdout = os.open(out / "stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        stderr = os.open(out / "stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        # Unbuffered: what a block printed is on disk even if it ends with os._exit().
        sys.stdout = _unbuffered(1)
        sys.stderr = _unbuffered(2)
        status = _execute(job, threads, out)
    except BaseException:  # the engine's own failure: report it, do not hang the build
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _execute(job: dict, threads: int, out: Path) -> int:
    import linecache
    import random

    import matplotlib.pyplot as plt
    import numpy as np

    opened: set[str] = set()

    def audit(event: str, args: tuple) -> None:
        if event == "open" and isinstance(args[0], str) and any(t in args[0] for t in TRACKED):
            relative = _package_file(args[0])
            if relative:
                opened.add(relative)

    sys.addaudithook(audit)

    random.seed(0)
    np.random.seed(0)
    try:
        import torch

        torch.manual_seed(0)
        torch.set_num_threads(threads)
    except ImportError:
        pass
    plt.rcParams["svg.hashsalt"] = SVG_SALT

    filename, code = job["filename"], job["code"]
    # Tracebacks show the block's own lines, even for inline code.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    result: dict = {"error": None, "error_line": None, "artifact": None}
    namespace = {"__name__": "__main__", "__file__": filename}
    caught = _catch_deprecations()
    try:
        exec(compile(code, filename, "exec"), namespace)
    except BaseException as exc:  # SystemExit(0) is a normal end, any other a failure
        if not (isinstance(exc, SystemExit) and exc.code in (0, None)):
            failure = getattr(exc, "artifact_failure", None)  # an ArtifactError
            built_here = failure is not None and exc.__cause__ is not None
            if failure is not None:
                result["artifact"] = {**failure, "built_here": built_here}
            if built_here:  # the build's own error is what the author needs
                exc = exc.__cause__
                tb = exc.__traceback__
            else:
                tb = exc.__traceback__.tb_next  # drop this frame: show the block's frames only
            result["error"] = "".join(traceback.format_exception(type(exc), exc, tb))
            lines = [f.lineno for f in traceback.extract_tb(tb) if f.filename == filename]
            result["error_line"] = lines[-1] if lines else None
    sys.stdout.flush()

    result["warnings"] = caught
    from genai_docs.figures import french_ticks  # the site's typography, on every axis

    figures, thumbnails = [], []
    for index, number in enumerate(plt.get_fignums(), start=1):
        name = f"figure-{index}.svg"
        figure = plt.figure(number)
        french_ticks(figure)
        figure.savefig(out / name, format="svg", metadata={"Date": None})
        figures.append(name)
        thumbnails.append(_thumbnail(figure))
    result["figures"], result["thumbnails"] = figures, thumbnails

    result["device"], result["cuda"] = "cpu", None
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():  # the block used CUDA
        result["device"], result["cuda"] = torch.cuda.get_device_name(), torch.version.cuda

    files = [getattr(m, "__file__", None) for m in list(sys.modules.values())]
    imported = {_package_file(f) for f in files if f}
    result["imports"] = sorted((imported | opened) - {None})
    tmp = out / "result.json.tmp"
    tmp.write_text(json.dumps(result))
    os.replace(tmp, out / "result.json")
    return 0 if result["error"] is None else 1


THUMBNAIL_DPI = 30  # the small PNG of each figure kept to tell how many pixels moved


def _thumbnail(figure) -> str:
    """A small PNG of ``figure``, base64: the build's change report compares its pixels."""
    import base64

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=THUMBNAIL_DPI, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _catch_deprecations() -> list[dict]:
    """Record the deprecation warnings raised while the block runs (a list, filled later).

    ``DeprecationWarning``, ``PendingDeprecationWarning`` and ``FutureWarning`` are the first
    sign that a library's API is moving under the course: each is kept once per place, with
    the file and line it points to; other warnings go where they always went.
    """
    import warnings

    caught: list[dict] = []
    seen: set[tuple] = set()
    kinds = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
    show = warnings.showwarning

    def record(message, category, filename, lineno, file=None, line=None):
        if not issubclass(category, kinds):
            return show(message, category, filename, lineno, file, line)
        key = (category.__name__, str(message), filename, lineno)
        if key not in seen:
            seen.add(key)
            where = _package_file(filename) or filename.rpartition("site-packages/")[2]
            caught.append(
                {
                    "category": category.__name__,
                    "message": str(message),
                    "where": f"{where}:{lineno}",
                }
            )

    for kind in kinds:
        warnings.filterwarnings("default", category=kind)
    warnings.showwarning = record
    return caught


@dataclass
class _Child:
    """A running block, and the time it spends outside its own clock (on artifacts)."""

    job: dict
    start: float
    paused: float = 0.0  # seconds spent waiting for or building artifacts, finished spans
    paused_since: float | None = None  # start of the current span, if inside one
    stack: list[dict] = field(default_factory=list)  # artifacts being waited for or built

    def block_seconds(self, now: float) -> float:
        """Time on the block's own clock: wall time minus time spent on artifacts."""
        current = now - self.paused_since if self.paused_since is not None else 0.0
        return now - self.start - self.paused - current

    def artifact_seconds(self, now: float) -> float:
        current = now - self.paused_since if self.paused_since is not None else 0.0
        return self.paused + current


class _Artifacts:
    """Follows what each block reports from ``genai_docs.artifacts`` through the event pipe."""

    def __init__(self, limit: float, every: float, reply) -> None:
        self.limit = limit  # seconds an artifact build (or a wait for one) may take
        self.every = every  # seconds between two progress reports of a build
        self.reply = reply
        self.directory = tempfile.mkdtemp(prefix="genai-docs-events-")
        self.path = os.path.join(self.directory, "events")
        os.mkfifo(self.path)
        self.fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        self._keep = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)  # so reads never hit EOF
        self._buffer = b""
        self._running: dict[int, _Child] = {}
        self._announced: set[str] = set()  # artifacts we said we wait for

    def close_in_child(self) -> None:
        os.close(self.fd)
        os.close(self._keep)

    def cleanup(self) -> None:
        os.close(self.fd)
        os.close(self._keep)
        shutil.rmtree(self.directory, ignore_errors=True)

    def read(self, running: dict[int, _Child], now: float) -> None:
        self._running = running
        with contextlib.suppress(BlockingIOError):
            self._buffer += os.read(self.fd, 1 << 16)
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
                child = running[event["pgid"]]
            except (ValueError, KeyError):
                continue  # a process that has already been reaped, or a garbled line
            self._apply(child, event, now)

    def building(self, running: dict[int, _Child]) -> bool:
        """Whether a block is building an artifact now."""
        return any(e["kind"] == "build" for child in running.values() for e in child.stack)

    def _built_here(self, name: str) -> bool:
        return any(
            e["kind"] == "build" and e["name"] == name
            for child in self._running.values()
            for e in child.stack
        )

    def _apply(self, child: _Child, event: dict, now: float) -> None:
        kind, name = event["event"], event["name"]
        # when the block sent it, not when we read it (both are CLOCK_MONOTONIC on Linux)
        now = min(now, event.get("at", now))
        if kind in ("wait", "build"):
            if not child.stack:
                child.paused_since = now
            entry = {"kind": kind, "name": name, "since": now, "reported": now}
            entry.update(state=event.get("state"), done=None, total=None)
            child.stack.append(entry)
            if kind == "build":
                self._say({"event": "artifact", "phase": "start", "name": name})
            elif name not in self._announced and not self._built_here(name):
                self._announced.add(name)  # another process builds it: say why we wait
                self._say({"event": "artifact", "phase": "wait", "name": name})
        elif kind == "progress":
            for entry in reversed(child.stack):
                if entry["name"] == name and entry["kind"] == "build":
                    entry["done"], entry["total"] = event["done"], event["total"]
                    break
        elif kind == "end":
            for index in reversed(range(len(child.stack))):
                if child.stack[index]["name"] == name:
                    entry = child.stack.pop(index)
                    if entry["kind"] == "build":
                        seconds = round(now - entry["since"], 3)
                        phase = "done" if event.get("ok") else "failed"
                        self._say(
                            {"event": "artifact", "phase": phase, "name": name, "seconds": seconds}
                        )
                    break
            if not child.stack and child.paused_since is not None:
                child.paused += now - child.paused_since
                child.paused_since = None

    def _say(self, message: dict) -> None:
        self.reply.write(json.dumps(message) + "\n")

    def heartbeat(self, running: dict[int, _Child], now: float) -> None:
        """Every ``self.every`` seconds, report how far each artifact build has got."""
        for child in running.values():
            for entry in child.stack:
                if entry["kind"] == "build" and now - entry["reported"] >= self.every:
                    entry["reported"] = now
                    message = {"event": "artifact", "phase": "progress", "name": entry["name"]}
                    message.update(elapsed=round(now - entry["since"], 1))
                    message.update(done=entry["done"], total=entry["total"])
                    self._say(message)

    def over_limit(self, child: _Child, now: float) -> dict | None:
        """The artifact whose build (or wait) ran past the limit, if any."""
        for entry in child.stack:
            if now - entry["since"] > self.limit:
                return entry
        return None

    def record_kill(self, entry: dict, now: float) -> None:
        """Write in the artifact's state why it was killed, so no other block retries it."""
        if entry["kind"] != "build" or not entry.get("state"):
            return
        state = Path(entry["state"])
        with contextlib.suppress(OSError, ValueError):
            record = json.loads(state.read_text())
            record["error"] = (
                f"killed after {self.limit:.0f} s, the limit of an artifact build (artifact_timeout)"
            )
            record["seconds"] = round(now - entry["since"], 1)
            tmp = state.with_name(f".{state.name}.worker")
            tmp.write_text(json.dumps(record))
            os.replace(tmp, state)


def serve(
    jobs: int,
    threads: int,
    modules: tuple[str, ...],
    artifact_timeout: float = 3600.0,
    progress_every: float = 10.0,
) -> None:
    protocol = os.dup(1)
    os.dup2(2, 1)  # whatever is printed from now on must not corrupt the protocol
    reply = os.fdopen(protocol, "w", buffering=1, encoding="utf-8")
    preload(modules)
    # The library itself is imported fresh by each child, so that what a block imports
    # is seen (and recorded) by that block, and edits are picked up.
    for name in [m for m in sys.modules if m == "genai_docs" or m.startswith("genai_docs.")]:
        del sys.modules[name]
    worker = os.getpid()
    _die_with_parent(signal.SIGTERM, os.getppid())  # the build stopped: stop with it
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up, and the blocks die too
    artifacts = _Artifacts(artifact_timeout, progress_every, reply)
    os.environ[EVENTS_ENV] = artifacts.path
    reply.write(json.dumps({"ready": True}) + "\n")

    queue: list[dict] = []
    running: dict[int, _Child] = {}  # pid (= process group) -> the block it runs
    stdin_open = True
    buffer = b""
    try:
        while stdin_open or queue or running:
            watched = [artifacts.fd, 0] if stdin_open else [artifacts.fd]
            readable, _, _ = select.select(watched, [], [], 0.02)
            now = time.monotonic()
            if artifacts.fd in readable:
                artifacts.read(running, now)
            if 0 in readable:
                chunk = os.read(0, 1 << 16)
                if not chunk:
                    stdin_open = False
                    if queue or running:  # the runner left before its jobs ended: it is gone
                        _abandon(running)
                        return
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                queue.extend(json.loads(line) for line in lines if line.strip())
            # An artifact build (the trained model) uses every core: start no other block
            # meanwhile; thread pools that fight for the cores slow down the build.
            while queue and len(running) < jobs and not artifacts.building(running):
                job = queue.pop(0)
                pid = os.fork()
                if pid == 0:
                    artifacts.close_in_child()
                    run_child(job, threads, protocol, worker)
                running[pid] = _Child(job, time.monotonic())
            artifacts.heartbeat(running, now)
            for pid, child in list(running.items()):
                if _reap(pid, child, artifacts, reply, now):
                    del running[pid]
    finally:
        artifacts.cleanup()


def _abandon(running: dict[int, _Child]) -> None:
    """Kill every running block: nobody is left to read their results."""
    for pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _reap(pid: int, child: _Child, artifacts: _Artifacts, reply, now: float) -> bool:
    """Collect ``pid`` if it ended, or kill it if it ran out of time; then reply (True)."""
    done, wait_status = os.waitpid(pid, os.WNOHANG)
    message: dict = {"id": child.job["id"]}
    if not done:
        late = artifacts.over_limit(child, now)
        if late is not None:
            artifacts.record_kill(late, now)
            message.update(status="artifact-timeout", artifact=late["name"], limit=artifacts.limit)
        elif child.block_seconds(now) > child.job["timeout"]:
            message.update(status="timeout")
        else:
            return False
        with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
            os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    elif os.WIFSIGNALED(wait_status):
        message.update(status="signal", signal=os.WTERMSIG(wait_status))
    else:
        message.update(status="exited", code=os.WEXITSTATUS(wait_status))
    with contextlib.suppress(ProcessLookupError):  # what the block left running dies with it
        os.killpg(pid, signal.SIGKILL)
    message.update(
        seconds=round(child.block_seconds(now), 3),
        artifact_seconds=round(child.artifact_seconds(now), 3),
    )
    reply.write(json.dumps(message) + "\n")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--artifact-timeout",
        type=float,
        default=3600.0,
        help="seconds an artifact build may take (outside the blocks' own timeouts)",
    )
    parser.add_argument(
        "--progress-every",
        type=float,
        default=10.0,
        help="seconds between two progress reports of an artifact build",
    )
    parser.add_argument(
        "--preload",
        default=",".join(DEFAULT_PRELOAD),
        help="modules to import once, comma-separated",
    )
    args = parser.parse_args()
    modules = tuple(filter(None, args.preload.split(",")))
    serve(args.jobs, args.threads, modules, args.artifact_timeout, args.progress_every)


if __name__ == "__main__":
    main()
