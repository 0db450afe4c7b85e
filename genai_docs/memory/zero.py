"""ZeRO's accounting, per GPU: the model states each stage keeps, the bytes each step sends.

Reference: Rajbhandari, Rasley, Ruwase and He, "ZeRO: Memory Optimizations Toward Training
Trillion Parameter Models", SC 2020 (arXiv:1910.02054).

**Model states** (section 3.1). The paper counts mixed-precision Adam as 2Ψ (fp16 weights)
+ 2Ψ (fp16 gradients) + KΨ optimizer states, with K = 12: the fp32 master copy of the
weights (4), the momentum (4) and the variance (4). Stage 1 (P_os) shards the optimizer
states over N_d GPUs, stage 2 (P_os+g) the gradients too, stage 3 (P_os+g+p) the weights
too. Its Figure 1 takes Ψ = 7.5e9 and N_d = 64: 120, 31.4, 16.6 and 1.9 GB per GPU.

PyTorch's ``torch.autocast`` (the course's "mixed" precision, as in
:mod:`genai_docs.memory.training`) keeps the same 16 bytes in other boxes: the fp32 weights
*are* the master copy (4), the gradients have their dtype (4), AdamW's two moments (8); the
bf16 copies autocast makes during the forward pass are not model states. So stage 1 shards
8 bytes per parameter where the paper shards 12, and stage 2 12 where it shards 14.
:data:`ACCOUNTINGS` holds both; :func:`model_states` divides Ψ exactly by N, as the paper
does (the calculator, :mod:`genai_docs.memory.sharding`, counts whole rows per GPU).

**Communication** (section 7). A ring all-reduce (Patarasuk and Yuan, 2009) is a
reduce-scatter then an all-gather, each of N − 1 exchanges of 1/N of the buffer: every GPU
sends (and receives) ``2 (N − 1) / N`` times the buffer (:func:`ring_all_reduce_bytes`).
DDP all-reduces the gradients. Stages 1 and 2 reduce-scatter the gradients, then
all-gather the updated weights: the same volume when both have the same dtype. Stage 3
all-gathers the weights twice, for the forward and for the backward pass, and
reduce-scatters the gradients (:func:`step_traffic_bytes`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACCOUNTINGS",
    "StateBytes",
    "model_states",
    "ring_all_reduce_bytes",
    "step_traffic_bytes",
]


@dataclass(frozen=True)
class StateBytes:
    """Bytes per parameter of each model state."""

    weights: int  # the weights the forward pass reads
    gradients: int
    optimizer: int  # optimizer states (with the paper's accounting, the fp32 master copy too)


ACCOUNTINGS = {
    "autocast": StateBytes(weights=4, gradients=4, optimizer=8),  # torch.autocast + AdamW
    "zero": StateBytes(weights=2, gradients=2, optimizer=12),  # ZeRO's paper, K = 12
}


def _check(n_gpus: int, zero_stage: int) -> None:
    if n_gpus < 1:
        raise ValueError(f"n_gpus must be positive, got {n_gpus}")
    if zero_stage not in (0, 1, 2, 3):
        raise ValueError(f"zero_stage must be 0, 1, 2 or 3, got {zero_stage}")


def model_states(
    n_params: float, zero_stage: int, n_gpus: int, accounting: str = "autocast"
) -> dict[str, float]:
    """Bytes of weights, gradients and optimizer states on one of ``n_gpus`` GPUs."""
    _check(n_gpus, zero_stage)
    if accounting not in ACCOUNTINGS:
        raise ValueError(f"accounting must be one of {', '.join(ACCOUNTINGS)}, not {accounting!r}")
    per = ACCOUNTINGS[accounting]

    def share(stage: int) -> float:  # sharded from this stage on
        return n_params / n_gpus if zero_stage >= stage else n_params

    return {
        "weights": per.weights * share(3),
        "gradients": per.gradients * share(2),
        "optimizer": per.optimizer * share(1),
    }


def ring_all_reduce_bytes(buffer_bytes: float, n_gpus: int) -> float:
    """Bytes each GPU sends (and receives) in a ring all-reduce of ``buffer_bytes``."""
    _check(n_gpus, 0)
    return 2 * (n_gpus - 1) / n_gpus * buffer_bytes


def step_traffic_bytes(
    n_params: float,
    zero_stage: int,
    n_gpus: int,
    weight_bytes: int = 4,
    gradient_bytes: int = 4,
) -> float:
    """Bytes each GPU sends in one training step at ``zero_stage`` on ``n_gpus`` GPUs.

    The defaults are autocast's: fp32 gradients, fp32 weights gathered. A bf16 compression
    hook on DDP (``bf16_compress_hook``) makes ``gradient_bytes`` 2; FSDP2 with
    ``MixedPrecisionPolicy(param_dtype=torch.bfloat16)`` gathers ``weight_bytes`` 2.
    """
    _check(n_gpus, zero_stage)
    one_pass = (n_gpus - 1) / n_gpus * n_params  # elements a GPU sends in one phase
    if zero_stage == 0:
        return 2 * one_pass * gradient_bytes  # all-reduce of the gradients
    if zero_stage in (1, 2):
        return one_pass * (gradient_bytes + weight_bytes)  # reduce-scatter, all-gather
    return one_pass * (gradient_bytes + 2 * weight_bytes)  # + a second all-gather
