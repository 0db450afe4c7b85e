"""Matrix-multiply throughput per number format on the GPU, for the Quantification lesson.

A large square product (bound by arithmetic) and a decode-like skinny one (32 rows: bound
by reading the weights), in fp32, tf32, fp16, bf16, int8 (``torch._int_mm``) and fp8 e4m3
(``torch._scaled_mm``, where the GPU has it). Only the times are recorded; the lesson's
block computes throughput, the published peak and its share at every build.
"""

from __future__ import annotations

from _common import run

DEPENDS = ["genai_docs/quantization/matmul.py"]


def measure(device: str, dry_run: bool) -> dict:
    from genai_docs.quantization.matmul import MatmulShape, default_shapes, run_benchmark

    shapes = (
        (MatmulShape("compute-bound", 64, 64, 64), MatmulShape("memory-bound", 32, 64, 64))
        if dry_run
        else default_shapes(device)
    )
    results, skipped = run_benchmark(device, shapes, min_run_time=0.05 if dry_run else 1.0)
    return {
        "results": [
            {
                "shape": r.shape.name,
                "m": r.shape.m,
                "k": r.shape.k,
                "n": r.shape.n,
                "format": r.fmt,
                "seconds": r.seconds,
            }
            for r in results
        ],
        "skipped": skipped,
    }


if __name__ == "__main__":
    raise SystemExit(run("debit_matmul", measure))
