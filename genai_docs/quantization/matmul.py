"""Matrix-multiply throughput per number format, beside the GPU's published peak.

``C = A B`` with ``A`` (m, k) and ``B`` (k, n) costs ``2 m k n`` operations and moves at least
``(m k + k n) · b_in + m n · b_out`` bytes. With many rows (a large *batch*) the product is
bound by arithmetic; with a few rows (one token per sequence at generation time) it is bound
by reading ``B``, the weights, from memory: then fewer bytes per weight, not faster
arithmetic, is what speeds it up (Williams et al., "Roofline", CACM 2009).

Formats: fp32; tf32 (fp32 storage, tensor cores rounding the inputs to 10 mantissa bits,
CUDA only); fp16 and bf16; int8 through ``torch._int_mm`` (int32 result; on CUDA it needs
more than 16 rows and sizes that are multiples of 8); fp8 e4m3 through ``torch._scaled_mm``
(one fp32 scale per operand, bf16 result; on CUDA from compute capability 8.9, Hopper/Ada).
Both are private PyTorch functions: they are what ``torchao`` builds on.

``PUBLISHED_PEAKS`` holds the vendor's dense figures (tensor cores, without the 2:4
structured sparsity that doubles the datasheet's headline numbers), from the NVIDIA
datasheets: "NVIDIA H100 Tensor Core GPU" (2023), "NVIDIA H200 Tensor Core GPU" (2024),
"NVIDIA A100 Tensor Core GPU" (2021), "NVIDIA L4 Tensor Core GPU" (2023).

Timings use ``torch.utils.benchmark.Timer.blocked_autorange``, which synchronizes CUDA.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.utils import benchmark

__all__ = [
    "MATMUL_FORMATS",
    "PUBLISHED_PEAKS",
    "GpuPeaks",
    "MatmulResult",
    "MatmulShape",
    "default_shapes",
    "make_matmul",
    "published_peaks",
    "run_benchmark",
    "unsupported_reason",
]

MATMUL_FORMATS = ("fp32", "tf32", "fp16", "bf16", "int8", "fp8")
_FLOAT = {"fp32": torch.float32, "tf32": torch.float32, "fp16": torch.float16}
_FLOAT["bf16"] = torch.bfloat16
_IN_BYTES = {"fp32": 4, "tf32": 4, "fp16": 2, "bf16": 2, "int8": 1, "fp8": 1}
_OUT_BYTES = {"fp32": 4, "tf32": 4, "fp16": 2, "bf16": 2, "int8": 4, "fp8": 2}


@dataclass(frozen=True)
class MatmulShape:
    """One product ``(m, k) @ (k, n)``."""

    name: str  # what it stands for, e.g. "compute-bound"
    m: int  # rows of A: tokens in the batch
    k: int  # inner dimension: input features
    n: int  # columns of B: output features

    def __post_init__(self) -> None:
        if min(self.m, self.k, self.n) < 1:
            raise ValueError(f"matmul sizes must be positive, not {(self.m, self.k, self.n)}")

    @property
    def ops(self) -> int:
        """``2 m k n``: one multiply and one add per term."""
        return 2 * self.m * self.k * self.n

    def bytes_moved(self, fmt: str) -> int:
        """Least bytes read and written: both inputs once, the output once."""
        return (self.m * self.k + self.k * self.n) * _IN_BYTES[fmt] + self.m * self.n * _OUT_BYTES[
            fmt
        ]


@dataclass(frozen=True)
class GpuPeaks:
    """A GPU's published dense peaks: tera-operations per second, and memory bandwidth."""

    name: str  # marketing name
    tops: dict[str, float]  # format -> dense peak (TFLOPS; TOPS for int8)
    bandwidth: float  # memory bandwidth, bytes per second
    source: str  # the datasheet


_H100 = "NVIDIA H100 Tensor Core GPU datasheet (2023), dense = half the sparse figures"
PUBLISHED_PEAKS: dict[str, GpuPeaks] = {
    "H100 SXM": GpuPeaks(
        "H100 SXM",
        {"fp32": 67, "tf32": 494.5, "fp16": 989.5, "bf16": 989.5, "int8": 1979, "fp8": 1979},
        3.35e12,
        _H100,
    ),
    "H100 PCIe": GpuPeaks(
        "H100 PCIe",
        {"fp32": 51, "tf32": 378, "fp16": 756, "bf16": 756, "int8": 1513, "fp8": 1513},
        2.0e12,
        _H100,
    ),
    "H200": GpuPeaks(
        "H200 SXM",
        {"fp32": 67, "tf32": 494.5, "fp16": 989.5, "bf16": 989.5, "int8": 1979, "fp8": 1979},
        4.8e12,
        "NVIDIA H200 Tensor Core GPU datasheet (2024), dense = half the sparse figures",
    ),
    "A100": GpuPeaks(
        "A100 80GB SXM",
        {"fp32": 19.5, "tf32": 156, "fp16": 312, "bf16": 312, "int8": 624},
        2.039e12,
        "NVIDIA A100 Tensor Core GPU datasheet (2021), dense figures",
    ),
    "L4": GpuPeaks(
        "L4",
        {"fp32": 30.3, "tf32": 60, "fp16": 121, "bf16": 121, "int8": 242.5, "fp8": 242.5},
        0.3e12,
        "NVIDIA L4 Tensor Core GPU datasheet (2023), dense = half the sparse figures",
    ),
}


def published_peaks(device_name: str) -> GpuPeaks | None:
    """The peaks of the GPU named ``device_name`` (``torch.cuda.get_device_name()``), if known."""
    name = device_name.upper()
    if "H200" in name:
        return PUBLISHED_PEAKS["H200"]
    if "H100" in name:
        return PUBLISHED_PEAKS["H100 PCIe" if "PCIE" in name else "H100 SXM"]
    words = name.replace("-", " ").split()  # "NVIDIA A100-SXM4-80GB" -> [..., "A100", ...]
    for key in ("A100", "L4"):
        if key in words:
            return PUBLISHED_PEAKS[key]
    return None


def default_shapes(device: str) -> tuple[MatmulShape, MatmulShape]:
    """A compute-bound and a memory-bound shape; smaller on a CPU, to run in seconds.

    The memory-bound one has 32 rows: a few, and more than the 16 that ``_int_mm`` needs.
    """
    if device == "cuda":
        return MatmulShape("compute-bound", 8192, 8192, 8192), MatmulShape(
            "memory-bound", 32, 8192, 8192
        )
    return MatmulShape("compute-bound", 512, 512, 512), MatmulShape("memory-bound", 32, 2048, 2048)


def unsupported_reason(fmt: str, device: str) -> str | None:
    """Why ``fmt`` cannot run on ``device`` here, or None when it can."""
    if fmt not in MATMUL_FORMATS:
        raise ValueError(f"format must be one of {', '.join(MATMUL_FORMATS)}, not {fmt!r}")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'cpu' or 'cuda', not {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        return "no CUDA device"
    if fmt == "tf32" and device == "cpu":
        return "tf32 is a tensor-core mode of NVIDIA GPUs"
    if fmt == "fp8" and device == "cuda" and torch.cuda.get_device_capability() < (8, 9):
        return "fp8 needs compute capability 8.9 or more"
    if fmt in ("int8", "fp8"):
        try:
            make_matmul(fmt, MatmulShape("probe", 32, 32, 32), device)()
        except (RuntimeError, NotImplementedError) as error:
            if not _means_unsupported(error):
                raise  # a broken path is a failure, not a skip
            return f"not supported by this PyTorch build ({str(error).splitlines()[0][:80]})"
    return None


# What PyTorch says when a kernel does not exist for this device or build: no kernel
# registered for the backend ("Could not run 'aten::_scaled_mm' with arguments from the
# 'CPU' backend"), or a hardware requirement ("... is only supported on CUDA devices with
# compute capability >= 9.0 or 8.9"). Any other error is a bug to report.
_UNSUPPORTED = re.compile(
    r"could not run '[^']+' with arguments from the|only supported on|not supported on|"
    r"not implemented for|requires (?:cuda|compute capability|sm_?\d+)",
    re.IGNORECASE,
)


def _means_unsupported(error: Exception) -> bool:
    """Whether ``error`` says that the kernel does not exist here (see ``_UNSUPPORTED``)."""
    return bool(_UNSUPPORTED.search(str(error)))


def make_matmul(
    fmt: str, shape: MatmulShape, device: str = "cpu", seed: int = 0
) -> Callable[[], torch.Tensor]:
    """A function computing one product of ``shape`` in ``fmt`` on random operands."""
    if fmt not in MATMUL_FORMATS:
        raise ValueError(f"format must be one of {', '.join(MATMUL_FORMATS)}, not {fmt!r}")
    generator = torch.Generator().manual_seed(seed)
    a = torch.randn(shape.m, shape.k, generator=generator)  # (m, k)
    b_t = torch.randn(shape.n, shape.k, generator=generator)  # (n, k): B stored column-major
    if fmt == "int8":
        a8 = (a * 30).round().clamp(-127, 127).to(torch.int8).to(device)  # (m, k)
        b8 = (b_t * 30).round().clamp(-127, 127).to(torch.int8).to(device).T  # (k, n)
        return lambda: torch._int_mm(a8, b8)  # (m, n) int32
    if fmt == "fp8":
        a8 = a.to(torch.float8_e4m3fn).to(device)  # (m, k)
        b8 = b_t.to(torch.float8_e4m3fn).to(device).T  # (k, n), column-major as required
        one = torch.tensor(1.0, device=device)
        return lambda: torch._scaled_mm(a8, b8, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
    dtype = _FLOAT[fmt]
    a, b = a.to(device, dtype), b_t.to(device, dtype).T  # (m, k), (k, n)
    if device != "cuda":
        return lambda: a @ b  # (m, n)

    def run() -> torch.Tensor:
        with _tf32(fmt == "tf32"):
            return a @ b  # (m, n)

    return run


@contextlib.contextmanager
def _tf32(enabled: bool):
    """Let CUDA's fp32 matmuls use tf32 tensor cores, or forbid it, for one call."""
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):  # the API of PyTorch >= 2.9
        previous = matmul.fp32_precision
        matmul.fp32_precision = "tf32" if enabled else "ieee"
    else:
        previous = matmul.allow_tf32
        matmul.allow_tf32 = enabled
    try:
        yield
    finally:
        if hasattr(matmul, "fp32_precision"):
            matmul.fp32_precision = previous
        else:
            matmul.allow_tf32 = previous


@dataclass(frozen=True)
class MatmulResult:
    """One format on one shape: the median time and what it means in throughput."""

    fmt: str  # one of MATMUL_FORMATS
    shape: MatmulShape  # the product timed
    seconds: float  # median time of one product
    device: str  # "cpu" or "cuda"

    @property
    def tops(self) -> float:
        """Tera-operations per second (TFLOPS, or TOPS for int8)."""
        return self.shape.ops / self.seconds / 1e12

    @property
    def bandwidth(self) -> float:
        """Bytes per second, counting the least bytes the product must move."""
        return self.shape.bytes_moved(self.fmt) / self.seconds


def run_benchmark(
    device: str | None = None,
    shapes: tuple[MatmulShape, ...] | None = None,
    formats: tuple[str, ...] = MATMUL_FORMATS,
    min_run_time: float = 0.2,
) -> tuple[list[MatmulResult], dict[str, str]]:
    """Time every supported format on every shape, side by side in one run.

    ``device`` None picks CUDA when available, else the CPU. Returns the results and, for the
    formats left out, the reason.
    """
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    shapes = shapes or default_shapes(device)
    skipped = {f: r for f in formats if (r := unsupported_reason(f, device)) is not None}
    results = []
    for shape in shapes:
        for fmt in formats:
            if fmt in skipped:
                continue
            timer = benchmark.Timer("run()", globals={"run": make_matmul(fmt, shape, device)})
            measurement = timer.blocked_autorange(min_run_time=min_run_time)
            results.append(MatmulResult(fmt, shape, measurement.median, device))
    return results, skipped
