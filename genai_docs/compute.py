"""How much computation training a language model takes, from two rules of thumb.

- Training a dense transformer of N parameters on D tokens costs about ``6 N D`` floating
  point operations: 2 N per token for the forward pass, 4 N for the backward pass
  (Kaplan et al., 2020, "Scaling Laws for Neural Language Models", section 2.1).
- A compute-optimal model sees about 20 tokens per parameter (Hoffmann et al., 2022,
  "Training Compute-Optimal Large Language Models", the "Chinchilla" paper, table 3).

Converting operations into GPU time needs the GPU's peak throughput and the fraction of it
that training achieves (the *model FLOPs utilisation*, MFU; 30 to 50 % is typical of large
runs: Chowdhery et al., 2022, "PaLM", table 3, report 46.2 %).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "A100_BF16_FLOPS",
    "TrainingCost",
    "chinchilla_tokens",
    "training_cost",
    "training_flops",
]

A100_BF16_FLOPS = 312e12  # NVIDIA A100 peak dense bf16 throughput (NVIDIA A100 datasheet)
TOKENS_PER_PARAMETER = 20  # Chinchilla's compute-optimal ratio


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
    n_params: float, n_tokens: float, peak_flops: float = A100_BF16_FLOPS, mfu: float = 0.4
) -> TrainingCost:
    """FLOPs and GPU-hours to train a model; ``mfu`` is the fraction of peak achieved."""
    if not 0 < mfu <= 1:
        raise ValueError("mfu must be in (0, 1]")
    flops = training_flops(n_params, n_tokens)
    return TrainingCost(flops, flops / (peak_flops * mfu) / 3600.0)
