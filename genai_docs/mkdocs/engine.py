"""Decide, for every block of the site, whether to reuse, show frozen, or run it; then run.

:class:`Engine` is what the MkDocs plugin, the tests and the ``genai-docs`` command share:
given all the blocks of all the pages it looks each one up (frozen store for
``requires="cuda"`` blocks on a machine without CUDA, then the cache), runs the rest in one
parallel batch (identical blocks once), stores what succeeded, and returns one
:class:`Outcome` per block. It also writes the build report.

Shared artifacts (the trained course model...) are built by the first block that needs
them, outside that block's clock (see :mod:`genai_docs.artifacts`); the engine gives each
build its own limit (``artifact_timeout``), logs its progress about every 10 s, records
how long it took in the report, and reports a failed one once (:func:`artifact_failures`).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import genai_docs
from genai_docs.artifacts import BUILD_ENV, remove_leftovers
from genai_docs.mkdocs.blocks import Block
from genai_docs.mkdocs.cache import BlockCache, environment, write_atomic
from genai_docs.mkdocs.frozen import Frozen, FrozenStore, code_hash, provenance
from genai_docs.mkdocs.runner import Execution, Job, Runner

__all__ = ["Engine", "Outcome", "PACKAGE_ROOT", "artifact_failures", "duration"]

log = logging.getLogger("mkdocs.plugins.genai_docs")
OUTPUT_TAIL = 20  # lines of a failed block's output shown with its error

PACKAGE_ROOT = Path(genai_docs.__file__).resolve().parents[1]  # the directory holding genai_docs/


@dataclass
class Outcome:
    block: Block
    status: str  # "executed", "cached", "frozen" or "failed"
    execution: Execution | None  # None only when execution is disabled
    frozen: Frozen | None = None  # the frozen output shown, or the stale one replaced
    gpu_note: str | None = None  # for a requires="cuda" block run on CPU: "stale" or "missing"
    drift: list[str] | None = None  # library files changed since the frozen output was recorded

    def failure(self) -> str:
        """What the author needs to fix a failed block: where, and the traceback."""
        block, execution = self.block, self.execution
        if execution.artifact is not None:
            snippet = f" (snippet {block.snippet})" if block.snippet else ""
            return f"{block.where}: block failed{snippet}: artifact {execution.artifact['name']!r} could not be built"
        where = f"{block.where}: block failed"
        if block.snippet:
            line = f", line {execution.error_line}" if execution.error_line else ""
            where += f" (snippet {block.snippet}{line})"
        elif execution.error_line:
            where += f" (line {execution.error_line} of the block)"
        text = f"{where}\n{execution.error.rstrip()}"
        printed = execution.stdout.rstrip("\n").splitlines()
        if printed:
            tail = printed[-OUTPUT_TAIL:]
            cut = f"last {len(tail)} of {len(printed)} lines" if len(printed) > len(tail) else "all"
            text += f"\nWhat the block printed before it failed ({cut}):\n" + "\n".join(tail)
        return text

    def record(self) -> dict:
        execution = self.execution
        return {
            "page": self.block.page,
            "line": self.block.line,
            "snippet": self.block.snippet,
            "status": self.status,
            "seconds": execution.seconds if execution else 0.0,
            "artifact_seconds": execution.artifact_seconds if execution else 0.0,
            "imports": execution.imports if execution else [],
            "warnings": execution.warnings if execution else [],
        }


class Engine:
    def __init__(
        self,
        root: Path,
        cache_dir: Path,
        frozen_dir: Path,
        *,
        workers: int | None = None,
        timeout: float = 300.0,
        use_cache: bool = True,
        package_root: Path = PACKAGE_ROOT,
        preload: tuple[str, ...] | None = None,
        artifact_timeout: float = 3600.0,
        progress_every: float = 10.0,
    ) -> None:
        self.root = Path(root)
        self.cache = BlockCache(cache_dir, package_root)
        self.cache_dir = Path(cache_dir)
        self.frozen = FrozenStore(frozen_dir, self.root, package_root)
        self.timeout = timeout
        self.use_cache = use_cache
        self.artifacts: list[dict] = []  # artifact builds of this engine: name, status, seconds
        self.artifacts_dir = Path(os.environ.get("GENAI_DOCS_CACHE_DIR", self.cache_dir))
        env = {BUILD_ENV: uuid.uuid4().hex, "GENAI_DOCS_CACHE_DIR": str(self.artifacts_dir)}
        self.runner = Runner(
            self.root,
            workers,
            package_root,
            preload,
            artifact_timeout=artifact_timeout,
            progress_every=progress_every,
            on_event=self._artifact_event,
            env=env,
        )

    def _artifact_event(self, event: dict) -> None:
        """Log an artifact build's start, progress (every 10 s) and end; keep its duration."""
        name, phase = event["name"], event["phase"]
        if phase == "start":
            log.info(f"genai_docs: building artifact {name!r}; the blocks that need it wait")
            return
        if phase == "wait":
            log.info(
                f"genai_docs: waiting for artifact {name!r}, which another process is building"
            )
            return
        if phase == "progress":
            elapsed, done, total = event["elapsed"], event["done"], event["total"]
            where = f"{duration(elapsed)} elapsed"
            if done and total:
                left = elapsed / done * (total - done)
                where = f"step {done}/{total}, {where}, about {duration(left)} left"
            log.info(f"genai_docs: building artifact {name!r}: {where}")
            return
        self.artifacts.append({"name": name, "status": phase, "seconds": event["seconds"]})
        verb = "built" if phase == "done" else "failed"
        log.info(f"genai_docs: artifact {name!r} {verb} in {duration(event['seconds'])}")

    def close(self) -> None:
        self.runner.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def has_cuda(self) -> bool:
        return environment()["device"] != "cpu"

    def run(self, blocks: list[Block], *, use_frozen: bool = True) -> list[Outcome]:
        """One outcome per block, in order. ``use_frozen=False`` runs GPU blocks here too."""
        removed = remove_leftovers(self.artifacts_dir)
        if removed:
            log.info(f"genai_docs: removed {len(removed)} leftover(s) of killed artifact builds")
        outcomes: list[Outcome | None] = [None] * len(blocks)
        pending: dict[str, list[int]] = {}  # cache key -> indices of the blocks that need it
        notes: dict[int, tuple[Frozen | None, str]] = {}
        for index, block in enumerate(blocks):
            if block.requires_cuda and use_frozen and not self.has_cuda:
                frozen = self.frozen.get(block.snippet)
                if frozen and frozen.input_hash == code_hash(block.code):
                    drift = self.frozen.library_drift(frozen)
                    outcomes[index] = Outcome(
                        block, "frozen", frozen.execution, frozen, drift=drift
                    )
                    continue
                notes[index] = (frozen, "stale" if frozen else "missing")
            key = self.cache.key(block.code, block.options.get("requires"))
            hit = self.cache.get(key) if self.use_cache else None
            if hit is not None:
                outcomes[index] = Outcome(block, "cached", hit)
            else:
                pending.setdefault(key, []).append(index)

        keys = list(pending)
        jobs = []
        for key in keys:
            block = blocks[pending[key][0]]
            timeout = block.timeout or self.timeout
            jobs.append(Job(block.code, block.filename, timeout))
        for key, execution in zip(keys, self.runner.run(jobs), strict=True):
            self.cache.put(key, execution)
            for index in pending[key]:
                outcomes[index] = Outcome(
                    blocks[index], "executed" if execution.ok else "failed", execution
                )

        for index, (frozen, note) in notes.items():
            outcomes[index].frozen, outcomes[index].gpu_note = frozen, note
        for outcome in outcomes:
            self._freeze(outcome)
        return outcomes

    def _freeze(self, outcome: Outcome) -> None:
        """On a GPU, keep the output of a requires="cuda" block in the frozen store."""
        block, execution = outcome.block, outcome.execution
        if not (block.requires_cuda and execution and execution.ok and execution.device != "cpu"):
            return
        current = self.frozen.get(block.snippet)
        if current and current.input_hash == code_hash(block.code):
            shown = current.execution
            if (shown.stdout, shown.figures) == (execution.stdout, execution.figures):
                return  # nothing new to commit
        origin = provenance(execution, self.root)
        self.frozen.put(block.snippet, block.code, execution, origin)

    def write_report(self, outcomes: list[Outcome], seconds: float) -> Path:
        counts = {status: 0 for status in ("executed", "cached", "frozen", "failed")}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        report = {
            "blocks": [outcome.record() for outcome in outcomes],
            "artifacts": self.artifacts,
            "summary": {**counts, "blocks": len(outcomes), "seconds": round(seconds, 3)},
            "environment": environment(),
        }
        path = self.cache_dir / "build-report.json"
        write_atomic(path, json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        return path


def duration(seconds: float) -> str:
    """``95.3`` -> ``"1 min 35 s"``: for the build log."""
    seconds = round(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def artifact_failures(outcomes: list[Outcome]) -> dict[str, tuple[dict, list[Outcome]]]:
    """Failed blocks grouped by the shared artifact that failed them: name -> (why, blocks)."""
    groups: dict[str, tuple[dict, list[Outcome]]] = {}
    for outcome in outcomes:
        artifact = outcome.execution.artifact if outcome.execution else None
        if outcome.status == "failed" and artifact is not None:
            groups.setdefault(artifact["name"], (artifact, []))[1].append(outcome)
    return groups


def summary_line(outcomes: list[Outcome], seconds: float, artifacts: list[dict] = ()) -> str:
    counts = {
        status: sum(o.status == status for o in outcomes)
        for status in ("executed", "cached", "frozen", "failed")
    }
    line = (
        f"genai_docs: {len(outcomes)} blocks: {counts['executed']} executed, {counts['cached']} from cache, "
        f"{counts['frozen']} frozen, {counts['failed']} failed ({seconds:.1f} s)"
    )
    if artifacts:
        built = ", ".join(f"{a['name']} {a['seconds']:.0f} s" for a in artifacts)
        line += f"; artifacts built: {built}"
    return line
