"""What every measuring script shares: its command line, the GPU check, timing, recording.

``python measurements/<name>.py`` measures on the CUDA GPU and writes ``frozen/<name>.json``
(see ``genai_docs.measurements``). ``--dry-run`` runs the same code on the CPU with tiny
sizes, to check the script anywhere; its dataset goes to ``$GENAI_DOCS_FROZEN_DIR`` or a new
temporary folder, never to ``frozen/``, so a CPU run can never pass for a GPU record.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository's genai_docs

from genai_docs.measurements import FROZEN_ENV, record  # noqa: E402


def run(name: str, measure: Callable[[str, bool], dict], note: str = "") -> int:
    """Parse the command line, measure (``measure(device, dry_run)`` returns the data), record."""
    parser = argparse.ArgumentParser(description=f"measure {name!r} on a CUDA GPU")
    parser.add_argument(
        "--dry-run", action="store_true", help="tiny sizes on the CPU, written outside frozen/"
    )
    args = parser.parse_args()
    import torch

    if args.dry_run:
        os.environ.setdefault(FROZEN_ENV, tempfile.mkdtemp(prefix="genai-docs-dry-run-"))
        device = "cpu"
    elif not torch.cuda.is_available():
        print(f"measurements/{name}.py: no CUDA GPU here (use --dry-run to check it on CPU)")
        return 2
    else:
        device = "cuda"
    start = time.perf_counter()
    data = measure(device, args.dry_run)
    path = record(name, data, time.perf_counter() - start, note)
    print(f"{name}: recorded in {time.perf_counter() - start:.0f} s -> {path}")
    return 0


def cuda_time(function: Callable[[], object], device: str, repeat: int) -> float:
    """Median seconds of ``function()``, synchronising CUDA around each call."""
    import statistics

    import torch

    def sync() -> None:
        if device == "cuda":
            torch.cuda.synchronize()

    function()  # warm-up: kernels chosen, caches filled
    times = []
    for _ in range(repeat):
        sync()
        start = time.perf_counter()
        function()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
