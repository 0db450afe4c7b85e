"""Matrix-multiply throughput per number format, side by side in one run, with ratios.

Formats: fp32, tf32 (CUDA), fp16, bf16, int8 (``torch._int_mm``), fp8 e4m3
(``torch._scaled_mm``), each on a compute-bound shape (many rows) and a memory-bound one
(32 rows). On CUDA each result is printed beside the GPU's published dense peak (NVIDIA
datasheets, see ``genai_docs.quantization.matmul.PUBLISHED_PEAKS``); without CUDA the CPU
formats run and the output says so. The device is detected, no flag needed. Throughput is in
TFLOP/s for the floating-point formats and in TOPS for int8.

Then, on the CPU in every case, the int8 path a CPU really has: a ``quantize_dynamic`` layer
(fbgemm/x86) against the fp32 ``nn.Linear`` it replaces, alternated on the same input
(``genai_docs.quantization.time_dynamic_int8``), with the speed-up.

    .venv/bin/python bench/bench_quantization.py [--quick]
"""

from __future__ import annotations

import sys

import torch

from genai_docs.quantization import published_peaks, run_benchmark, time_dynamic_int8


def main() -> None:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    min_run_time = 0.05 if "--quick" in sys.argv else 0.3
    if device == "cuda":
        name = torch.cuda.get_device_name()
        peaks = published_peaks(name)
        print(f"device: {name} (CUDA {torch.version.cuda}, torch {torch.__version__})")
        print(f"published peaks: {peaks.source if peaks else 'unknown GPU, none shown'}")
    else:
        peaks = None
        print(f"device: CPU, {torch.get_num_threads()} threads (no CUDA: no GPU peaks to compare)")
    results, skipped = run_benchmark(device, min_run_time=min_run_time)
    for fmt, reason in skipped.items():
        print(f"skipped {fmt}: {reason}")
    print(
        f"{'shape':14s} {'m x k x n':>18s} {'format':6s} {'time ms':>9s} {'TFLOP/s':>8s} "
        f"{'x fp32':>7s} {'GB/s':>8s} {'peak':>8s} {'% peak':>7s}"
    )
    for shape in dict.fromkeys(r.shape for r in results):
        rows = [r for r in results if r.shape == shape]
        fp32 = next(r for r in rows if r.fmt == "fp32")
        for r in rows:
            peak = peaks.tops.get(r.fmt) if peaks else None
            bound = peaks.bandwidth if peaks and shape.name == "memory-bound" else None
            share = (
                r.tops / peak if peak and not bound else (r.bandwidth / bound if bound else None)
            )
            print(
                f"{shape.name:14s} {f'{shape.m}x{shape.k}x{shape.n}':>18s} {r.fmt:6s} "
                f"{r.seconds * 1e3:9.3f} {r.tops:8.2f} {fp32.seconds / r.seconds:7.2f} "
                f"{r.bandwidth / 1e9:8.1f} {'' if peak is None else f'{peak:8.0f}':>8s} "
                f"{'' if share is None else f'{share:7.0%}':>7s}"
            )
    print("TFLOP/s: TOPS for int8; % peak: of the format's peak (compute-bound), of memory")
    print("bandwidth (memory-bound)")
    print(f"\nCPU int8 path ({torch.backends.quantized.engine}): quantize_dynamic vs nn.Linear")
    print(
        f"{'tokens x in x out':>20s} {'fp32 ms':>9s} {'int8 ms':>9s} {'speed-up':>9s} {'rel. err':>9s}"
    )
    repeats = 1 if "--quick" in sys.argv else 3
    for rows, k, n in ((1, 4096, 4096), (16, 4096, 4096), (256, 1024, 1024), (512, 2048, 2048)):
        t = time_dynamic_int8(rows, k, n, repeats=repeats, min_run_time=min_run_time / 2)
        print(
            f"{f'{rows}x{k}x{n}':>20s} {t.fp32_seconds * 1e3:9.3f} {t.int8_seconds * 1e3:9.3f} "
            f"{t.speedup:9.2f} {t.relative_error:9.2%}"
        )


if __name__ == "__main__":
    main()
