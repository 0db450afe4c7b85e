"""How much computation training a language model takes, from two rules of thumb.

- Training a dense transformer of N parameters on D tokens costs about ``6 N D`` floating
  point operations: 2 N per token for the forward pass, 4 N for the backward pass
  (Kaplan et al., 2020, "Scaling Laws for Neural Language Models", section 2.1).
- A compute-optimal model sees about 20 tokens per parameter (Hoffmann et al., 2022,
  "Training Compute-Optimal Large Language Models", the "Chinchilla" paper, table 3).

Converting operations into GPU time needs the GPU's peak throughput and the fraction of it
that training achieves, the *model FLOPs utilisation* (MFU). Large runs reach 30 to 50 %:
Chowdhery et al., 2022, "PaLM", table 3, report 46.2 %; Llama Team, 2024, "The Llama 3
Herd of Models", table 4, report 38 to 43 % in bf16 on H100s. The course makes one
assumption for every page that turns FLOPs into time: an H100 at ``DEFAULT_MFU`` = 40 % of
its dense bf16 peak (:data:`GPU_PEAK_FLOPS`, :data:`DEFAULT_GPU`). :func:`implied_mfu` runs
the conversion backwards, from the GPU-hours a model's authors published.

Data-parallel GPUs also exchange their gradients at every step. How long that takes is
bytes divided by the bandwidth of the link between them, in each direction, since a ring
all-reduce sends and receives at once (:data:`LINK_BANDWIDTH`, nominal figures from the
makers' datasheets; the bytes are in :mod:`genai_docs.memory.zero`). It is set against the
compute time of the same step, :func:`step_seconds`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "A100_BF16_FLOPS",
    "DEFAULT_GPU",
    "DEFAULT_MFU",
    "GPU_PEAK_FLOPS",
    "H100_BF16_FLOPS",
    "LINK_BANDWIDTH",
    "TOKENS_PER_PARAMETER",
    "TrainingCost",
    "chinchilla_tokens",
    "implied_mfu",
    "step_seconds",
    "training_cost",
    "training_flops",
]

A100_BF16_FLOPS = 312e12  # NVIDIA A100 peak dense bf16 throughput (A100 datasheet: 624 sparse)
H100_BF16_FLOPS = 989e12  # NVIDIA H100 SXM peak dense bf16 (H100 datasheet: 1 979 sparse)
GPU_PEAK_FLOPS = {"A100": A100_BF16_FLOPS, "H100": H100_BF16_FLOPS}
DEFAULT_GPU = "H100"  # the GPU the course's time estimates assume
DEFAULT_MFU = 0.4  # the share of its peak that the course assumes training achieves
TOKENS_PER_PARAMETER = 20  # Chinchilla's compute-optimal ratio

# Links between GPUs: nominal bytes per second in each direction.
LINK_BANDWIDTH = {
    # H100 SXM datasheet: NVLink 4, 900 GB/s in total, i.e. 450 GB/s each way
    "NVLink 4 (H100 SXM)": 450e9,
    # PCI-SIG, PCIe 5.0: 32 GT/s per lane, about 64 GB/s each way on 16 lanes
    "PCIe 5.0 x16": 64e9,
    # InfiniBand NDR (e.g. NVIDIA ConnectX-7): 400 Gbit/s per port, 50 GB/s
    "InfiniBand 400 Gb/s": 50e9,
    # Ethernet 100 Gbit/s: 12.5 GB/s
    "Ethernet 100 Gb/s": 12.5e9,
}


def training_flops(n_params: float, n_tokens: float) -> float:
    """Floating point operations to train ``n_params`` parameters on ``n_tokens`` tokens."""
    if n_params <= 0 or n_tokens <= 0:
        raise ValueError("n_params and n_tokens must be positive")
    return 6.0 * n_params * n_tokens


def chinchilla_tokens(n_params: float) -> float:
    """The compute-optimal number of training tokens for a model of ``n_params`` parameters."""
    return TOKENS_PER_PARAMETER * n_params


@dataclass(frozen=True)
class TrainingCost:
    flops: float  # floating point operations
    gpu_hours: float  # hours of one GPU at the given peak and utilisation


def training_cost(
    n_params: float,
    n_tokens: float,
    peak_flops: float = GPU_PEAK_FLOPS[DEFAULT_GPU],
    mfu: float = DEFAULT_MFU,
) -> TrainingCost:
    """FLOPs and GPU-hours to train a model; ``mfu`` is the fraction of peak achieved."""
    if not 0 < mfu <= 1:
        raise ValueError("mfu must be in (0, 1]")
    flops = training_flops(n_params, n_tokens)
    return TrainingCost(flops, flops / (peak_flops * mfu) / 3600.0)


def step_seconds(
    n_params: float,
    n_tokens: float,
    peak_flops: float = GPU_PEAK_FLOPS[DEFAULT_GPU],
    mfu: float = DEFAULT_MFU,
) -> float:
    """Seconds one GPU computes to train ``n_params`` parameters on ``n_tokens`` tokens.

    The forward and backward passes of one step, ``6 N D / (peak × MFU)``; the backward pass
    is two thirds of it (4 of the 6 operations per parameter and token).
    """
    return training_cost(n_params, n_tokens, peak_flops, mfu).gpu_hours * 3600.0


def implied_mfu(flops: float, gpu_hours: float, peak_flops: float) -> float:
    """The utilisation that ``flops`` in ``gpu_hours`` hours at ``peak_flops`` implies.

    The inverse of :func:`training_cost`: from a published number of GPU-hours, the share
    of the GPU's peak the run achieved, if it did nothing but ``flops`` operations.
    """
    if flops <= 0 or gpu_hours <= 0 or peak_flops <= 0:
        raise ValueError("flops, gpu_hours and peak_flops must be positive")
    return flops / (gpu_hours * 3600.0 * peak_flops)
