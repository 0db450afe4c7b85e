"""The execution worker: a warm process that forks one isolated child per code block.

Started as ``python -m genai_docs.mkdocs.worker --jobs N --threads T`` by
:mod:`genai_docs.mkdocs.runner`, it imports the heavy libraries once (torch, numpy,
matplotlib, transformers: about 4 s), then serves jobs read as JSON lines on stdin. Each
job runs in a child created by ``fork()``: it starts in milliseconds with those libraries
already imported, yet shares no state with other blocks (its own memory, its own process
group, killed on timeout). At most N children run at once. Replies are JSON lines on the
original stdout; everything the libraries or the children print goes elsewhere.

A child writes into the job's ``out`` directory: ``stdout.txt``, ``stderr.txt``, one
``figure-K.svg`` per matplotlib figure left open, and ``result.json`` with the traceback
(if any), the line of the failing frame in the block, and the ``genai_docs`` source files
the block imported or opened (this is what makes the cache dependency-aware).

The zygote pattern is the one of Android's app launcher and of Python's own
``multiprocessing`` "forkserver" start method; fork is safe here because the worker
starts no thread before forking.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import signal
import sys
import time
import traceback
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # .../genai_docs
SVG_SALT = "genai-docs"  # matplotlib derives SVG element ids from this: no random ids


DEFAULT_PRELOAD = ("numpy", "matplotlib.pyplot", "torch", "transformers.modeling_utils")


def preload(modules: tuple[str, ...] = DEFAULT_PRELOAD) -> None:
    """Import the heavy libraries once, before any fork."""
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    for name in modules:
        with contextlib.suppress(ImportError):  # a block that needs it will say so
            importlib.import_module(name)


def _package_file(path: str) -> str | None:
    """The path of ``path`` relative to the package's parent, if it is a library file."""
    try:
        resolved = Path(path).resolve()
        relative = resolved.relative_to(PACKAGE_DIR.parent)
    except (ValueError, OSError):
        return None
    if (
        not relative.parts
        or relative.parts[0] != PACKAGE_DIR.name
        or "__pycache__" in relative.parts
    ):
        return None
    if resolved == Path(__file__).resolve() or not resolved.is_file():
        return None  # the worker itself is covered by the cache's engine version
    return relative.as_posix()


def run_child(job: dict, threads: int, protocol_fd: int) -> None:
    """Body of a forked child: run one block, write its results, never return."""
    os.setpgid(0, 0)  # its own process group, so a timeout kills what it spawned too
    os.close(protocol_fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # the job stream is the worker's, never the block's
    out = Path(job["out"])
    status = 1
    try:
        stdout = os.open(out / "stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        stderr = os.open(out / "stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115
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
        if event == "open" and isinstance(args[0], str) and "genai_docs" in args[0]:
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
    result: dict = {"error": None, "error_line": None}
    namespace = {"__name__": "__main__", "__file__": filename}
    try:
        exec(compile(code, filename, "exec"), namespace)
    except BaseException as exc:  # SystemExit(0) is a normal end, any other a failure
        if not (isinstance(exc, SystemExit) and exc.code in (0, None)):
            tb = exc.__traceback__.tb_next  # drop this frame: show the block's frames only
            result["error"] = "".join(traceback.format_exception(type(exc), exc, tb))
            lines = [f.lineno for f in traceback.extract_tb(tb) if f.filename == filename]
            result["error_line"] = lines[-1] if lines else None
    sys.stdout.flush()

    figures = []
    for index, number in enumerate(plt.get_fignums(), start=1):
        name = f"figure-{index}.svg"
        plt.figure(number).savefig(out / name, format="svg", metadata={"Date": None})
        figures.append(name)
    result["figures"] = figures

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


def serve(jobs: int, threads: int, modules: tuple[str, ...]) -> None:
    protocol = os.dup(1)
    os.dup2(2, 1)  # whatever is printed from now on must not corrupt the protocol
    reply = os.fdopen(protocol, "w", buffering=1, encoding="utf-8")
    preload(modules)
    # The library itself is imported fresh by each child, so that what a block imports
    # is seen (and recorded) by that block, and edits are picked up.
    for name in [m for m in sys.modules if m == "genai_docs" or m.startswith("genai_docs.")]:
        del sys.modules[name]
    reply.write(json.dumps({"ready": True}) + "\n")

    queue: list[dict] = []
    running: dict[int, tuple[dict, float]] = {}  # pid -> (job, start)
    stdin_open = True
    buffer = b""
    while stdin_open or queue or running:
        if stdin_open:
            readable, _, _ = select.select([0], [], [], 0.02)
            if readable:
                chunk = os.read(0, 1 << 16)
                if not chunk:
                    stdin_open = False
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                queue.extend(json.loads(line) for line in lines if line.strip())
        else:
            time.sleep(0.02)
        while queue and len(running) < jobs:
            job = queue.pop(0)
            pid = os.fork()
            if pid == 0:
                run_child(job, threads, protocol)
            running[pid] = (job, time.monotonic())
        now = time.monotonic()
        for pid, (job, start) in list(running.items()):
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            timed_out = not done and now - start > job["timeout"]
            if timed_out:
                with contextlib.suppress(ProcessLookupError):  # it may have ended meanwhile
                    os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            if done or timed_out:
                del running[pid]
                if timed_out:
                    status = "timeout"
                elif os.WIFSIGNALED(wait_status):
                    status = f"killed by signal {os.WTERMSIG(wait_status)}"
                else:
                    status = "ok" if os.WEXITSTATUS(wait_status) == 0 else "error"
                message = {"id": job["id"], "status": status, "seconds": round(now - start, 3)}
                reply.write(json.dumps(message) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--preload",
        default=",".join(DEFAULT_PRELOAD),
        help="modules to import once, comma-separated",
    )
    args = parser.parse_args()
    serve(args.jobs, args.threads, tuple(filter(None, args.preload.split(","))))


if __name__ == "__main__":
    main()
