"""Speed without a GPU: what the published peaks predict, and the int8 path a CPU really has.

**Roofline** (Williams, Waterman and Patterson, "Roofline: an insightful visual performance
model for multicore architectures", CACM 2009): a computation takes at least
``max(ops / peak, bytes / bandwidth)``. One decoding step of a dense language model reads
every weight once and does 2 operations (a multiply, an add) per weight and per token in
flight, so with ``batch`` tokens: ``ops = 2 N batch`` and ``bytes ≈`` the weights' bytes
(the KV cache and the activations are left out: small next to the weights at short
context). While ``batch`` is below ``peak × bytes per weight / (2 × bandwidth)`` the step
is bound by memory, and its time is the weights' bytes over the bandwidth: halving the
bytes per weight halves it, whatever the arithmetic. The peaks and bandwidths are the
datasheet figures of :data:`~genai_docs.quantization.matmul.PUBLISHED_PEAKS`.

**On a CPU**, the int8 path that PyTorch optimizes is dynamic quantization
(``torch.ao.quantization.quantize_dynamic``: int8 weights, activations quantized per call,
fbgemm/x86 kernels on x86): :func:`time_dynamic_int8` times one such layer against the
``nn.Linear`` it replaces, on the same input, alternating the two and keeping each one's
fastest median, so that a busy machine slows both alike.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils import benchmark

from .matmul import GpuPeaks

__all__ = [
    "CpuLinearTiming",
    "DecodeEstimate",
    "crossover_batch",
    "decode_step",
    "time_dynamic_int8",
]


@dataclass(frozen=True)
class DecodeEstimate:
    """One decoding step of a model on a GPU, by the roofline."""

    weight_bytes: int  # bytes read: every weight once
    memory_seconds: float  # weight_bytes / bandwidth
    compute_seconds: float  # 2 · params · batch / peak

    @property
    def seconds(self) -> float:
        """The roofline's lower bound: the slower of reading and computing."""
        return max(self.memory_seconds, self.compute_seconds)

    @property
    def memory_bound(self) -> bool:
        return self.memory_seconds >= self.compute_seconds


def decode_step(
    params: int, weight_bytes: int, gpu: GpuPeaks, compute_format: str, batch: int = 1
) -> DecodeEstimate:
    """The roofline of one decoding step: ``params`` weights stored in ``weight_bytes``,
    computed at ``gpu``'s dense peak for ``compute_format``, ``batch`` tokens in flight."""
    if params < 1 or weight_bytes < 1 or batch < 1:
        raise ValueError("params, weight_bytes and batch must be positive")
    if compute_format not in gpu.tops:
        raise ValueError(f"{gpu.name} publishes no {compute_format} peak")
    memory = weight_bytes / gpu.bandwidth
    compute = 2 * params * batch / (gpu.tops[compute_format] * 1e12)
    return DecodeEstimate(weight_bytes, memory, compute)


def crossover_batch(gpu: GpuPeaks, compute_format: str, bytes_per_weight: float) -> float:
    """Tokens in flight from which a decoding step stops being bound by memory:
    ``peak × bytes per weight / (2 × bandwidth)`` (reading time = computing time)."""
    if compute_format not in gpu.tops:
        raise ValueError(f"{gpu.name} publishes no {compute_format} peak")
    return gpu.tops[compute_format] * 1e12 * bytes_per_weight / (2 * gpu.bandwidth)


@dataclass(frozen=True)
class CpuLinearTiming:
    """``nn.Linear`` in fp32 against PyTorch's dynamic int8 version of it, on one input."""

    rows: int  # tokens in the input
    in_features: int
    out_features: int
    fp32_seconds: float  # fastest median of the fp32 layer
    int8_seconds: float  # fastest median of the dynamic int8 layer
    relative_error: float  # ||y_int8 - y_fp32|| / ||y_fp32||

    @property
    def speedup(self) -> float:
        """fp32 time over int8 time: above 1 when int8 is faster."""
        return self.fp32_seconds / self.int8_seconds


def time_dynamic_int8(
    rows: int,
    in_features: int,
    out_features: int,
    repeats: int = 3,
    min_run_time: float = 0.05,
    seed: int = 0,
) -> CpuLinearTiming:
    """Time ``nn.Linear(in_features, out_features)`` and its ``quantize_dynamic`` int8
    version on ``rows`` random tokens, on this CPU, alternately ``repeats`` times."""
    if min(rows, in_features, out_features, repeats) < 1 or min_run_time <= 0:
        raise ValueError("sizes, repeats and min_run_time must be positive")
    torch.manual_seed(seed)
    linear = nn.Linear(in_features, out_features).eval()
    with warnings.catch_warnings():  # torch.ao.quantization's deprecation notices
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        int8 = torch.ao.quantization.quantize_dynamic(
            nn.Sequential(copy.deepcopy(linear)), {nn.Linear}, dtype=torch.qint8
        )
    x = torch.randn(rows, in_features, generator=torch.Generator().manual_seed(seed))
    best = {"fp32": float("inf"), "int8": float("inf")}
    with torch.no_grad():
        layers = {"fp32": linear, "int8": int8}
        for _ in range(repeats):
            for name, layer in layers.items():
                timer = benchmark.Timer("layer(x)", globals={"layer": layer, "x": x})
                median = timer.blocked_autorange(min_run_time=min_run_time).median
                best[name] = min(best[name], median)
        y, y8 = linear(x), int8(x)
    error = float((y8 - y).norm() / y.norm())
    return CpuLinearTiming(rows, in_features, out_features, best["fp32"], best["int8"], error)
