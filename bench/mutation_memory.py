"""Mutation testing of the memory formulas: how many deliberate bugs do the fast tests catch?

mutmut 3 (``pip install -e ".[bench]"``) changes one thing at a time in
``genai_docs/memory/{params,activations,training,generation}.py`` (an operator, a
number, a comparison, an argument...) and runs, for each such *mutant*, only the fast
tests that call the mutated function. A mutant that makes a test fail is *killed*; one
that passes them all *survived*: a change of the code that no test would notice. The
score is killed / (killed + survived); issue 19 asks for at least 85 %.

The run happens in a copy of the package and of the fast tests (a temporary folder,
or ``--workdir``), so that ``mutants/`` never lands in the working tree::

    nice -n 10 .venv/bin/python bench/mutation_memory.py            # about 40 min on 2 cores
    nice -n 10 .venv/bin/python bench/mutation_memory.py --only training.py

It prints mutmut's summary and the score per module; survivors are listed with
``mutmut show NAME`` from the work folder. Results (before and after issue 19's new tests)
are in bench/README.md.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("params.py", "activations.py", "training.py", "generation.py")
# The fast tests of those modules: formulas, hand-computed values, the pinned grid, shapes,
# parts, the CLI (one of its tests measures a small model). Each file runs in seconds.
FAST_TESTS = (
    "tests/test_memory_formulas.py",
    "tests/test_memory_golden.py",
    "tests/test_memory_golden.json",
    "tests/test_memory_parts.py",
    "tests/test_memory_params.py",
    "tests/test_memory_zero.py",
    "tests/test_memory_speed.py",
    "tests/test_memory_cli.py",
)

CONFIG = """[tool.mutmut]
source_paths = ["genai_docs/"]
only_mutate = [{only}]
pytest_add_cli_args_test_selection = [{tests}]
pytest_add_cli_args = ["-q", "-x", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"]
use_git_change_detection = false

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


# In the work folder only: Hypothesis without shrinking. A mutant that fails a property
# test would otherwise be shrunk to a minimal example, hundreds of runs that make mutmut
# time the mutant out instead of counting it killed.
CONFTEST = """from hypothesis import Phase, settings

settings.register_profile(
    "mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate], database=None
)
settings.load_profile("mutation")
"""


def _quoted(items) -> str:
    return ", ".join(f'"{item}"' for item in items)


def prepare(workdir: Path, modules: tuple[str, ...], tests: tuple[str, ...]) -> None:
    """Copy the package and the fast tests into ``workdir`` and write mutmut's config."""
    shutil.copytree(ROOT / "genai_docs", workdir / "genai_docs", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    (workdir / "tests").mkdir(exist_ok=True)
    present = [t for t in tests if (ROOT / t).exists()]
    for test in present:
        shutil.copy(ROOT / test, workdir / test)
    present = [t for t in present if t.endswith(".py")]  # data files are copied, not run
    (workdir / "tests" / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    only = [f"genai_docs/memory/{m}" for m in modules]
    (workdir / "pyproject.toml").write_text(
        CONFIG.format(only=_quoted(only), tests=_quoted(present)), encoding="utf-8"
    )


def score(workdir: Path) -> dict[str, collections.Counter]:
    """Mutants by module and status, from ``mutmut results --all true``."""
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=workdir, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in out.splitlines():
        found = re.match(r"\s*genai_docs\.memory\.(\w+)\.\S+: (.+)$", line)
        if found:
            counts[found.group(1)][found.group(2).strip()] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--only", nargs="*", default=list(MODULES), help="modules to mutate")
    parser.add_argument("--children", type=int, default=2, help="tests run in parallel")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="genai-docs-mutmut-"))
    workdir.mkdir(parents=True, exist_ok=True)
    prepare(workdir, tuple(args.only), FAST_TESTS)
    print(f"mutmut in {workdir}", flush=True)
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.children)]
    # mutmut forks one child per mutant from a parent that has imported torch: with an OpenMP
    # thread pool in the parent, a child that computes with torch can hang on a lock the
    # fork copied, and the mutant is counted as a timeout. One thread per process avoids it.
    single = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    subprocess.run(cmd, cwd=workdir, check=False, env={**os.environ, **single})
    report(workdir)
    return 0


def report(workdir: Path) -> None:
    """Print the score per module and in all. A mutant that no test runs ("no tests") or
    that makes them hang ("timeout") counts as not killed, as a survivor does."""
    total: collections.Counter = collections.Counter()
    for module, counts in sorted(score(workdir).items()):
        total.update(counts)
        killed, all_ = counts["killed"], sum(counts.values())
        print(f"{module}: {killed} / {all_} killed = {killed / max(all_, 1):.1%} ({dict(counts)})")
    killed, all_ = total["killed"], sum(total.values())
    print(f"score: {killed} / {all_} = {killed / max(all_, 1):.1%} ({dict(total)})")


if __name__ == "__main__":
    sys.exit(main())
