"""The artifact cache: built once per key and code, atomically, reused across calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from genai_docs.artifacts import cached_artifact


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

    with pytest.raises(RuntimeError):
        cached_artifact("demo", build, key=1)
    leftovers = [
        p for p in (tmp_path / "cache" / "artifacts" / "demo").iterdir() if p.suffix != ".lock"
    ]
    assert leftovers == []
    done = cached_artifact("demo", lambda d: (d / "ok.txt").write_text("ok"), key=1)
    assert (done / "ok.txt").exists()
