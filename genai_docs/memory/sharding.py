"""Several GPUs and few trainable parameters: ZeRO/FSDP sharding, LoRA and QLoRA.

ZeRO (Rajbhandari et al., 2020) splits the model states over N data-parallel GPUs:
stage 1 the optimizer states, stage 2 also the gradients, stage 3 also the weights
(PyTorch's FSDP is stage 3). Like FSDP2's ``fully_shard``, each parameter is cut along its
first dimension into N chunks of ``ceil(dim0 / N)`` rows; we report the first GPU, which
holds the largest chunks (a mixture of experts' ``(E, ...)`` tensors are cut by expert:
with more GPUs than experts, the first GPU keeps a whole expert). What stage 3 gathers
for a moment (a block's parameters, the root's) is in :mod:`genai_docs.memory.mixed`.

LoRA (Hu et al., 2021) freezes the weights and trains, beside each target matrix
``W (d_out × d_in)``, two matrices ``B (d_out × r)`` and ``A (r × d_in)``:
``r · (d_in + d_out)`` parameters. QLoRA (Dettmers et al., 2023) stores the frozen base
in 4 bits. We target every attention projection (q, k, v, o), or every matrix of the
blocks (``targets="all"``).
"""

from __future__ import annotations

from genai_docs.memory.params import ModelShape


def shard_numel(shapes: tuple[tuple[int, ...], ...], n_gpus: int) -> int:
    """Elements the first of ``n_gpus`` GPUs holds when every tensor is split on dim 0."""
    if n_gpus < 1:
        raise ValueError("n_gpus must be positive")
    total = 0
    for shape in shapes:
        if not shape:
            total += 1
            continue
        rows = -(-shape[0] // n_gpus)
        inner = 1
        for size in shape[1:]:
            inner *= size
        total += rows * inner
    return total


LORA_TARGETS = ("attention", "all")  # q, k, v, o; or every matrix of the blocks


def lora_params(shape: ModelShape, rank: int, targets: str = "attention") -> int:
    """Trainable LoRA parameters of rank ``rank`` on every attention projection, or with
    ``targets="all"`` on every matrix of the blocks (the MLP's too)."""
    if rank < 1:
        raise ValueError("rank must be positive")
    if targets not in LORA_TARGETS:
        raise ValueError(f"targets must be one of {', '.join(LORA_TARGETS)}, not {targets!r}")
    d, d_kv, f = shape.d_model, shape.d_kv, shape.d_ff
    # GPT-2: fused c_attn (d -> 3d) and c_proj (d -> d); else q, o (d -> d), k, v (d -> d_kv)
    gpt2 = shape.family == "gpt2"
    per_layer = (d + 3 * d) + (d + d) if gpt2 else 2 * (d + d) + 2 * (d + d_kv)
    if targets == "all":
        if shape.moe_layers:
            raise ValueError("LoRA on every matrix is not modelled for a mixture of experts")
        per_layer += 2 * (d + f) if gpt2 else 3 * (d + f)  # c_fc, c_proj; gate, up, down
    return shape.n_layer * rank * per_layer
