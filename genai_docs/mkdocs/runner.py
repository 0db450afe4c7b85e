"""Run code blocks in isolated processes, in parallel, with timeouts.

:class:`Runner` starts one :mod:`genai_docs.mkdocs.worker` process on first use, sends it
every job at once and collects the results; the worker forks one child per job and runs
at most ``workers`` of them at a time. The environment of the blocks is fixed here:
headless matplotlib, Hugging Face offline, progress bars off, hash seed fixed.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from genai_docs.artifacts import usable_cores
from genai_docs.mkdocs.worker import DEFAULT_PRELOAD

__all__ = ["BLOCK_ENV", "Execution", "Job", "Runner", "third_party_imports"]

# The environment every block runs in (on top of the builder's own).
BLOCK_ENV = {
    "MPLBACKEND": "Agg",
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TQDM_DISABLE": "1",
    "PYTHONHASHSEED": "0",
    "GENAI_DOCS_EXEC": "1",
    "PYTHONUNBUFFERED": "1",
    "PYTORCH_NVML_BASED_CUDA_CHECK": "1",  # is_available() without initialising CUDA: fork-safe
}


MAX_OUTPUT_BYTES = 4_000_000  # of a block's stdout or stderr kept in memory and in the cache


@dataclass(frozen=True)
class Job:
    code: str  # the Python source to run
    filename: str  # shown in tracebacks: the snippet's path, or "docs/page.md:LINE"
    timeout: float  # seconds before the block is killed


@dataclass
class Execution:
    status: str  # "ok", "error", "timeout", "artifact-timeout", "exit N" or "killed by signal N"
    stdout: str = ""
    stderr: str = ""
    figures: list[str] = field(default_factory=list)  # SVG documents, in figure order
    values: dict[str, str] = field(default_factory=dict)  # name -> text, for the page's prose
    claims: dict[str, dict] = field(default_factory=dict)  # name -> {"holds", "detail"}
    warnings: list[dict] = field(default_factory=list)  # deprecation warnings the block raised
    thumbnails: list[str] = field(default_factory=list)  # small PNGs of the figures (base64)
    imports: list[str] = field(default_factory=list)  # library files read, "genai_docs/..."
    error: str | None = None  # the traceback, or what went wrong
    error_line: int | None = None  # line of the failing frame within the block's code
    seconds: float = 0.0  # on the block's own clock: time spent on shared artifacts excluded
    artifact_seconds: float = 0.0  # time spent waiting for or building shared artifacts
    artifact: dict | None = None  # the shared artifact whose failure failed this block
    device: str = "cpu"  # "cpu", or the name of the GPU the block used
    cuda: str | None = None  # the CUDA version the block used, if it used one

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict) -> Execution:
        return cls(**data)


def gpu_name() -> str:
    """The first NVIDIA GPU's model, read from the driver without importing torch; or "cpu"."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return "cpu"
    for info in sorted(Path("/proc/driver/nvidia/gpus").glob("*/information")):
        for line in info.read_text().splitlines():
            if line.startswith("Model:"):
                return line.split(":", 1)[1].strip()
    return "NVIDIA GPU" if Path("/dev/nvidiactl").exists() else "cpu"


def _imports(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def third_party_imports(codes: list[str], package_root: Path) -> set[str]:
    """Top-level packages the code may import, following ``genai_docs`` statically.

    An over-approximation (every import statement counts, even inside a function; importing
    a sub-package scans all its modules), used only to choose what the worker preloads.
    """
    found: set[str] = set()
    seen: set[Path] = set()
    pending = list(codes)
    while pending:
        for name in _imports(pending.pop()):
            top = name.split(".")[0]
            if top != "genai_docs":
                found.add(top)
                continue
            path = package_root.joinpath(*name.split("."))
            files = sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]
            for file in files:
                if file.is_file() and file not in seen:
                    seen.add(file)
                    pending.append(file.read_text(encoding="utf-8"))
    return found


class Runner:
    """A pool of isolated executions, backed by one warm worker process."""

    def __init__(
        self,
        root: Path,
        workers: int | None = None,
        package_root: Path | None = None,
        preload: tuple[str, ...] | None = None,
        artifact_timeout: float = 3600.0,
        progress_every: float = 10.0,
        on_event: Callable[[dict], None] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.root = Path(root)  # the blocks' working directory
        self.package_root = package_root  # where to import genai_docs from (default: as installed)
        self.preload = preload  # modules the worker imports once (default: the worker's list)
        self.workers = max(1, workers or usable_cores())
        self.artifact_timeout = artifact_timeout  # seconds a shared artifact build may take
        self.progress_every = progress_every  # seconds between two progress events of a build
        self.on_event = on_event  # called with each progress event of an artifact build
        self.env = env or {}  # added to the blocks' environment
        self._process: subprocess.Popen | None = None
        self._log = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self, jobs: list[Job]) -> None:
        if self.preload is None:  # preload only the heavy libraries these blocks may use
            package_root = self.package_root or Path(__file__).resolve().parents[2]
            used = third_party_imports([job.code for job in jobs], package_root)
            if gpu_name() != "cpu":
                # A library that touches CUDA while being imported would make the forked
                # children unable to use the GPU: there, each block imports torch itself.
                used -= {"torch", "transformers"}
            preload = tuple(name for name in DEFAULT_PRELOAD if name.split(".")[0] in used)
        else:
            preload = self.preload
        threads = max(1, usable_cores() // self.workers)
        env = {**os.environ, **BLOCK_ENV, **self.env}
        if self.package_root is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(self.package_root), env.get("PYTHONPATH")])
            )
        command = [
            sys.executable,
            "-m",
            "genai_docs.mkdocs.worker",
            "--jobs",
            str(self.workers),
            "--threads",
            str(threads),
            "--artifact-timeout",
            str(self.artifact_timeout),
            "--progress-every",
            str(self.progress_every),
        ]
        command += ["--preload", ",".join(preload)]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (lives as long as the worker)
        self._process = subprocess.Popen(
            command,
            cwd=self.root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            encoding="utf-8",
        )
        if not self._process.stdout.readline():  # the worker says it is ready
            raise RuntimeError(f"the execution worker failed to start:\n{self._worker_log()}")

    def _worker_log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-4000:]

    def run(self, jobs: list[Job]) -> list[Execution]:
        """Run ``jobs`` in parallel; results come back in the order of ``jobs``."""
        if not jobs:
            return []
        if self._process is None:
            self._start(jobs)
        scratch = Path(tempfile.mkdtemp(prefix="genai-docs-run-"))
        try:
            ids = {}
            for job in jobs:
                job_id = uuid.uuid4().hex
                out = scratch / job_id
                out.mkdir()
                ids[job_id] = out
                message = {"id": job_id, "out": str(out), **job.__dict__}
                self._process.stdin.write(json.dumps(message) + "\n")
            self._process.stdin.flush()
            replies = {}
            while len(replies) < len(jobs):
                line = self._process.stdout.readline()
                if not line:
                    raise RuntimeError(f"the execution worker died:\n{self._worker_log()}")
                reply = json.loads(line)
                if "event" in reply:  # progress of an artifact build, not a block's end
                    if self.on_event is not None:
                        self.on_event(reply)
                    continue
                replies[reply["id"]] = reply
            return [self._collect(ids[i], replies[i]) for i in ids]
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _collect(self, out: Path, reply: dict) -> Execution:
        def read(name: str) -> str:
            path = out / name
            if not path.exists():
                return ""
            size = path.stat().st_size
            with path.open("rb") as handle:
                if size <= MAX_OUTPUT_BYTES:
                    data = handle.read()
                else:  # keep the head and the tail; the page shows even less (max_lines)
                    half = MAX_OUTPUT_BYTES // 2
                    head = handle.read(half)
                    handle.seek(size - half)
                    note = f"\n[… {size - 2 * half} octets omis …]\n".encode()
                    data = head + note + handle.read()
            return data.decode("utf-8", errors="replace")

        execution = Execution(
            status="ok",
            stdout=read("stdout.txt"),
            stderr=read("stderr.txt"),
            seconds=reply["seconds"],
            artifact_seconds=reply.get("artifact_seconds", 0.0),
        )
        result_file = out / "result.json"
        result = json.loads(result_file.read_text()) if result_file.exists() else None
        if result is not None:
            execution.error = result["error"]
            execution.error_line = result["error_line"]
            execution.artifact = result.get("artifact")
            execution.imports = result["imports"]
            execution.device = result["device"]
            execution.cuda = result["cuda"]
            execution.figures = [read(name) for name in result["figures"]]
            execution.warnings = result.get("warnings", [])
            execution.thumbnails = result.get("thumbnails", [])
            for line in read("values.jsonl").splitlines():
                value = json.loads(line)
                if "claim" in value:
                    execution.claims[value["claim"]] = {
                        "holds": value["holds"],
                        "detail": value["detail"],
                    }
                else:
                    execution.values[value["name"]] = value["text"]
        status = reply["status"]
        if status == "timeout":
            execution.status = "timeout"
            execution.error = f"timed out after {reply['seconds']:.0f} s"
            if execution.artifact_seconds >= 1:
                execution.error += (
                    f" (not counting {execution.artifact_seconds:.0f} s on shared artifacts)"
                )
        elif status == "artifact-timeout":
            execution.status = status
            limit = reply["limit"]
            reason = (
                f"killed after {limit:.0f} s, the limit of an artifact build (artifact_timeout)"
            )
            execution.artifact = {"name": reply["artifact"], "reason": reason, "seconds": limit}
            execution.error = f"artifact {reply['artifact']!r} failed after {limit:.0f} s: {reason}"
        elif status == "signal":
            execution.status = f"killed by signal {reply['signal']}"
            execution.error = f"the block's process was killed by signal {reply['signal']}"
        elif result is None or (reply["code"] != 0 and execution.error is None):
            code = reply["code"]
            execution.status = f"exit {code}"
            execution.error = (
                f"the block's process exited with code {code} before it finished "
                "(os._exit, or a crash in native code)"
            )
        elif execution.error is not None:
            execution.status = "error"
        if execution.status.startswith(("killed", "exit")) and execution.stderr.strip():
            execution.error += "\n" + execution.stderr[-2000:]
        return execution

    def close(self) -> None:
        if self._process is not None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process.stdout.close()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None
