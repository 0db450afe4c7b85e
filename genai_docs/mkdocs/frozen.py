"""Frozen outputs: what a ``requires="cuda"`` block printed on a GPU, committed with provenance.

A build that has CUDA runs such a block and stores its output in
``frozen/<snippet path>.json`` (a file meant to be committed): the output, the SHA-256 of
the snippet's code (``input_hash``), the hashes of the library files it imported, and
where it came from (GPU name, torch and CUDA versions, Python, date, commit). A build
without CUDA shows that output and its provenance instead of running the block. The
output is *stale* when the snippet's code changed since: the build then runs it on CPU
and says so. When a library file it imported changed since, the page still shows the GPU
output (only a GPU can tell whether the change matters) under a note naming the changed
files and the date of the recording, and ``genai-docs frozen --check`` fails.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from genai_docs.mkdocs.cache import write_atomic
from genai_docs.mkdocs.runner import Execution

__all__ = ["Frozen", "FrozenStore", "code_hash", "provenance"]


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


@dataclass
class Frozen:
    snippet: str  # the snippet's path from the repository root
    input_hash: str  # SHA-256 of the snippet's code when it was frozen
    imports: dict[str, str | None]  # library file -> SHA-256 when it was frozen
    execution: Execution
    provenance: dict[str, str]  # gpu, torch, cuda, python, date, commit

    def describe(self) -> str:
        """One French sentence saying where and when the output was produced."""
        p = self.provenance
        return (
            f"Sortie enregistrée sur **{p.get('gpu', '?')}** (PyTorch {p.get('torch', '?')}, "
            f"CUDA {p.get('cuda', '?')}, Python {p.get('python', '?')}) le {p.get('date', '?')}, "
            f"commit `{p.get('commit', '?')}`."
        )


def provenance(execution: Execution, root: Path) -> dict[str, str]:
    """Where an output was just produced: the GPU and CUDA the block used, and this checkout."""
    commit = os.environ.get("GENAI_DOCS_COMMIT")
    if not commit:
        try:
            command = ["git", "rev-parse", "--short", "HEAD"]
            commit = subprocess.run(
                command, cwd=root, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            commit = "inconnu"
    return {
        "gpu": execution.device,
        "torch": metadata.version("torch"),
        "cuda": execution.cuda or "?",
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        "commit": commit,
    }


class FrozenStore:
    def __init__(self, directory: Path, root: Path, package_root: Path) -> None:
        self.directory = Path(directory)
        self.root = Path(root)  # snippet paths are relative to it
        self.package_root = Path(package_root)  # library paths are relative to it

    def path(self, snippet: str) -> Path:
        return self.directory / f"{snippet}.json"

    def get(self, snippet: str) -> Frozen | None:
        try:
            data = json.loads(self.path(snippet).read_text(encoding="utf-8"))
            data["execution"] = Execution.from_dict(data["execution"])
            return Frozen(**data)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, snippet: str, code: str, execution: Execution, origin: dict[str, str]) -> Frozen:
        imports = {name: self._hash(name) for name in execution.imports}
        frozen = Frozen(snippet, code_hash(code), imports, execution, origin)
        record = dict(frozen.__dict__, execution=execution.to_dict())
        write_atomic(self.path(snippet), json.dumps(record, indent=1, ensure_ascii=False) + "\n")
        return frozen

    def all(self) -> list[Frozen]:
        found = []
        for path in sorted(self.directory.rglob("*.json")):
            snippet = path.relative_to(self.directory).as_posix()[: -len(".json")]
            frozen = self.get(snippet)
            if frozen is not None:
                found.append(frozen)
        return found

    def _hash(self, name: str) -> str | None:
        path = self.package_root / name
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None

    def library_drift(self, frozen: Frozen) -> list[str]:
        """The library files the output's run imported that have changed since (sorted)."""
        return sorted(name for name, digest in frozen.imports.items() if self._hash(name) != digest)

    def staleness(self, frozen: Frozen) -> list[str]:
        """Why a frozen output no longer matches the repository (empty: it matches)."""
        reasons = []
        snippet = self.root / frozen.snippet
        if not snippet.is_file():
            reasons.append("snippet removed")
        elif code_hash(snippet.read_text(encoding="utf-8")) != frozen.input_hash:
            reasons.append("snippet changed")
        drift = self.library_drift(frozen)
        if drift:
            reasons.append("library changed: " + ", ".join(drift))
        return reasons
