"""Shared artifacts in the engine: off the blocks' clocks, built once, failed once; and what
a block's output may hold (too many lines, control characters, a bare exit)."""

from __future__ import annotations

import json
import logging
import textwrap
from pathlib import Path

from test_engine import make_site, mkdocs_build, run

ARTIFACT = """\
import time
from genai_docs.artifacts import cached_artifact, report_progress

def build(directory):
    with open("builds.txt", "a") as count:
        count.write("1\\n")
    for step in range(1, STEPS + 1):
        time.sleep(SLEEP)
        report_progress(step, STEPS)
    if FAIL:
        raise ValueError("données introuvables")
    (directory / "x.txt").write_text("prêt")

print((cached_artifact("demo", build, key=KEY) / "x.txt").read_text(), BLOCK)
"""


def artifact_block(
    block: int, *, steps: int, sleep: float, fail: bool = False, key: int = 1
) -> str:
    values = {"STEPS": steps, "SLEEP": sleep, "FAIL": fail, "KEY": key, "BLOCK": block}
    code = ARTIFACT
    for name, value in values.items():
        code = code.replace(name, repr(value))
    return code


def page(n_blocks: int, timeout: int) -> str:
    fences = [
        f'```python exec="on" timeout="{timeout}"\n--8<-- "b{i}.py"\n```' for i in range(n_blocks)
    ]
    return "# T\n\n" + "\n\n".join(fences) + "\n"


def builds(root: Path) -> int:
    path = root / "builds.txt"
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_an_artifact_longer_than_the_block_timeout_is_built_once(tmp_path: Path, caplog) -> None:
    snippets = {f"b{i}.py": artifact_block(i, steps=4, sleep=1.0) for i in range(3)}
    root = make_site(tmp_path, {"index.md": page(3, timeout=2)}, snippets)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.genai_docs"):
        outcomes = run(root, progress_every=1.0)
    assert [o.status for o in outcomes] == ["executed"] * 3
    assert [o.execution.stdout for o in outcomes] == [f"prêt {i}\n" for i in range(3)]
    assert builds(root) == 1
    # Under a 2 s timeout, no block was killed although the artifact kept them 4 s (its
    # sleeps are a lower bound, on any machine): their clocks stopped while they waited.
    assert max(o.execution.artifact_seconds for o in outcomes) >= 4
    messages = [r.getMessage() for r in caplog.records]
    assert any("building artifact 'demo': step " in m and "left" in m for m in messages)
    assert any("artifact 'demo' built in" in m for m in messages)


def test_a_failing_artifact_fails_its_blocks_at_once_with_one_cause(tmp_path: Path) -> None:
    snippets = {f"b{i}.py": artifact_block(i, steps=2, sleep=0.5, fail=True) for i in range(3)}
    root = make_site(tmp_path, {"index.md": page(3, timeout=60)}, snippets)
    outcomes = run(root)
    assert [o.status for o in outcomes] == ["failed"] * 3
    assert builds(root) == 1  # built exactly once: nobody retried it
    causes = {json.dumps(o.execution.artifact, sort_keys=True) for o in outcomes}
    reasons = {o.execution.artifact["reason"] for o in outcomes}
    assert reasons == {"ValueError: données introuvables"} and len(causes) == 2  # built_here
    assert all(o.execution.artifact["seconds"] >= 1 for o in outcomes)

    result = mkdocs_build(root)
    assert result.returncode != 0
    assert result.stderr.count("artifact 'demo' failed after") == 1  # named once
    assert "3 block(s) need it; it was built once, not retried" in result.stderr
    assert result.stderr.count("ValueError: données introuvables") == 2  # cause, traceback
    assert "direct cause" not in result.stderr
    assert builds(root) == 2  # one more build: a new docs build tries again, once


def test_an_artifact_past_its_limit_is_killed_and_its_leftovers_removed(tmp_path: Path) -> None:
    snippets = {f"b{i}.py": artifact_block(i, steps=60, sleep=1.0) for i in range(2)}
    root = make_site(tmp_path, {"index.md": page(2, timeout=60)}, snippets)
    outcomes = run(root, artifact_timeout=2)
    assert [o.status for o in outcomes] == ["failed"] * 2
    assert {o.execution.artifact["reason"] for o in outcomes} == {
        "killed after 2 s, the limit of an artifact build (artifact_timeout)"
    }
    assert builds(root) == 1
    parent = root / ".cache" / "genai_docs" / "artifacts" / "demo"
    assert len(list(parent.glob(".*-*"))) == 1  # the killed build's temporary directory

    quick = {f"b{i}.py": artifact_block(i, steps=1, sleep=0.0) for i in range(2)}
    for name, code in quick.items():
        (root / "snippets" / name).write_text(code)
    assert [o.status for o in run(root)] == ["executed"] * 2
    assert list(parent.glob(".*-*")) == []


def test_output_is_capped_cleaned_and_a_bare_exit_reported(tmp_path: Path) -> None:
    pages = textwrap.dedent(
        """\
        # T

        ```python exec="on"
        for i in range(200_000):
            print(f"ligne {i}")
        ```

        ```python exec="on" max_lines="6"
        print("\\n".join(f"l{i}" for i in range(10)))
        ```

        ```python exec="on"
        print("nul:\\x00 cloche:\\x07 fin")
        print("10 %\\r50 %\\r100 %")
        ```
        """
    )
    root = make_site(tmp_path, {"index.md": pages}, {})
    result = mkdocs_build(root, quiet=False)
    assert result.returncode == 0, result.stderr
    assert "docs/index.md:3: output cut to 500 lines, 199500 left out" in result.stderr
    assert "WARNING -  genai_docs: docs/index.md:8" not in result.stderr  # chosen: info only
    html = (root / "site" / "index.html").read_text()
    assert len(html) < 200_000
    assert "199\u202f500 lignes omises sur 200\u202f000" in html
    assert "ligne 0" in html and "ligne 199999" in html and "ligne 1000" not in html
    assert "l2" in html and "l7" in html and "l5" not in html
    assert "\x00" not in html and "\x07" not in html
    assert "<code>nul:\u2400 cloche:\u2407 fin\n100 %\n" in html  # a "\r" rewrote its line
    assert mkdocs_build(root, "--strict", quiet=False).returncode != 0  # the default cut warns

    (tmp_path / "exit").mkdir()
    exiting = make_site(
        tmp_path / "exit",
        {"index.md": '# T\n\n```python exec="on"\nimport os\nprint("avant")\nos._exit(3)\n```\n'},
        {},
    )
    (outcome,) = run(exiting)
    assert outcome.status == "failed" and outcome.execution.status == "exit 3"
    message = outcome.failure()
    assert "exited with code 3" in message and "avant" in message


def test_killing_the_build_kills_its_blocks(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "block.pid"
    code = (
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)\n"
    )
    root = make_site(tmp_path, {"index.md": f'# T\n\n```python exec="on"\n{code}```\n'}, {})
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    deadline = time.monotonic() + 120
    while not pid_file.exists() or not pid_file.read_text():
        assert build.poll() is None and time.monotonic() < deadline, "the block never started"
        time.sleep(0.1)
    block = int(pid_file.read_text())
    build.send_signal(signal.SIGKILL)  # as a closed terminal, or a CI job cancelled
    build.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(block, 0)
        except ProcessLookupError:
            return  # the block died with its build
        time.sleep(0.1)
    os.kill(block, signal.SIGKILL)
    raise AssertionError("the block outlived the build that started it")
