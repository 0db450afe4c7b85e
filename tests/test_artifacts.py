"""The artifact cache: built once per key and code, atomically, reused across calls; a
failure is not retried within one docs build; a killed build leaves nothing that blocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from genai_docs.artifacts import BUILD_ENV, ArtifactError, cached_artifact, remove_leftovers


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENAI_DOCS_CACHE_DIR", str(tmp_path / "cache"))


def test_built_once_per_key_and_code(tmp_path: Path) -> None:
    calls = []

    def build(directory: Path) -> None:
        calls.append(directory)
        (directory / "model.txt").write_text("poids")

    code = tmp_path / "train.py"
    code.write_text("steps = 10\n")
    first = cached_artifact("demo", build, key={"steps": 10}, code=[code])
    again = cached_artifact("demo", build, key={"steps": 10}, code=[code])
    assert first == again and len(calls) == 1
    assert (first / "model.txt").read_text() == "poids"
    assert cached_artifact("demo", build, key={"steps": 20}, code=[code]) != first
    code.write_text("steps = 11\n")
    assert cached_artifact("demo", build, key={"steps": 10}, code=[code]) != first
    assert len(calls) == 3


def test_a_failed_build_leaves_nothing_behind(tmp_path: Path) -> None:
    def build(directory: Path) -> None:
        (directory / "half.txt").write_text("à moitié")
        raise RuntimeError("interrupted")

    with pytest.raises(ArtifactError, match="RuntimeError: interrupted") as info:
        cached_artifact("demo", build, key=1)
    assert isinstance(info.value.__cause__, RuntimeError)
    leftovers = [
        p.name
        for p in (tmp_path / "cache" / "artifacts" / "demo").iterdir()
        if not p.name.endswith((".lock", ".state.json"))
    ]
    assert leftovers == []
    done = cached_artifact("demo", lambda d: (d / "ok.txt").write_text("ok"), key=1)
    assert (done / "ok.txt").exists()


def test_a_failure_is_not_retried_within_one_docs_build(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def build(directory: Path) -> None:
        calls.append(1)
        raise ValueError("pas de données")

    monkeypatch.setenv(BUILD_ENV, "build-1")
    for _ in range(3):
        with pytest.raises(ArtifactError) as info:
            cached_artifact("demo", build, key=1)
        assert info.value.name == "demo"
        assert info.value.reason == "ValueError: pas de données"
    assert len(calls) == 1  # the second and third callers failed at once, with the same cause
    monkeypatch.setenv(BUILD_ENV, "build-2")  # the next docs build tries again
    with pytest.raises(ArtifactError):
        cached_artifact("demo", build, key=1)
    assert len(calls) == 2


KILLED = """\
import os, sys, time
from pathlib import Path
from genai_docs.artifacts import cached_artifact
def build(directory):
    (directory / "half.bin").write_bytes(b"x" * 1000)
    Path(sys.argv[1]).write_text("started")
    time.sleep(600)
cached_artifact("demo", build, key=1)
"""


def _killed_build(tmp_path: Path) -> None:
    """Start a build in another process and SIGKILL it midway, as a timeout would."""
    started = tmp_path / "started"
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED), str(started)], env=dict(os.environ)
    )
    deadline = time.monotonic() + 120
    while not started.exists():
        assert process.poll() is None and time.monotonic() < deadline, "the build did not start"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_a_killed_build_blocks_nothing_and_its_leftovers_go(tmp_path: Path) -> None:
    _killed_build(tmp_path)
    parent = tmp_path / "cache" / "artifacts" / "demo"
    (leftover,) = parent.glob(".*-*")  # its temporary directory is still there
    assert remove_leftovers() == [leftover]
    assert list(parent.glob(".*-*")) == []
    _killed_build(tmp_path)
    # the lock file is still there, but no process holds it: the next call builds at once
    done = cached_artifact("demo", lambda d: (d / "ok.txt").write_text("ok"), key=1)
    assert (done / "ok.txt").read_text() == "ok"
    assert list(parent.glob(".*-*")) == []  # the next build removed the killed one's leftovers


def test_a_build_killed_in_this_docs_build_fails_the_next_callers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BUILD_ENV, "build-1")
    _killed_build(tmp_path)
    with pytest.raises(ArtifactError, match="ended without finishing"):
        cached_artifact("demo", lambda d: None, key=1)


TWO_BUILDS = """\
import sys, time
from pathlib import Path
from genai_docs.artifacts import cached_artifact
log = Path(sys.argv[2])
def build(directory):
    with log.open("a") as f:
        f.write(f"start {sys.argv[1]} {time.monotonic()}\\n")
    time.sleep(1.0)
    with log.open("a") as f:
        f.write(f"end {sys.argv[1]} {time.monotonic()}\\n")
cached_artifact(sys.argv[1], build, key=1)
"""


def test_a_machine_builds_one_artifact_at_a_time(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    processes = [
        subprocess.Popen([sys.executable, "-c", TWO_BUILDS, name, str(log)], env=dict(os.environ))
        for name in ("premier", "second")
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    events = [line.split() for line in log.read_text().splitlines()]
    assert [kind for kind, _, _ in events] == ["start", "end", "start", "end"]  # never nested
    assert events[0][1] == events[1][1] and events[2][1] == events[3][1]
