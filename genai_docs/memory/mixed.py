"""Mixed precision as it is run: three ways to store the model states, per GPU.

Micikevicius et al., "Mixed Precision Training" (ICLR 2018), compute in 16 bits and keep
an fp32 master copy of the weights. Three implementations differ in what they store
(bytes per parameter: weights + gradients + optimizer, AdamW):

- ``"autocast"``: ``torch.autocast`` around fp32 weights (PyTorch's AMP). The weights
  *are* the master copy: 4 + 4 + 8. Autocast casts each matrix to bf16 when a matmul
  uses it and autograd keeps that copy for the backward pass: a bf16 copy of every matrix
  is alive at the start of the backward pass, *not sharded* by ZeRO-3, since it is made
  from the gathered weights. Wrapped around FSDP, that is the pitfall: the copies stay
  whole on every GPU however many GPUs there are.
- ``"fsdp2"``: FSDP2's ``MixedPrecisionPolicy(param_dtype=torch.bfloat16,
  reduce_dtype=torch.float32)`` (ZeRO-3 only). The sharded fp32 parameters are the master
  copy; each block is gathered in bf16 just before it runs and freed after, so the model
  computes as in pure bf16; gradients are reduce-scattered in fp32: 4 + 4 + 8, divided
  by N.
- ``"deepspeed"``: DeepSpeed's bf16 mode, the accounting of the ZeRO paper (Rajbhandari et
  al., 2020, §3.1): bf16 weights and gradients, the fp32 master copy inside the optimizer
  states: 2 + 2 + (4 + 8). Computes in pure bf16.

Under ZeRO-3, FSDP2 also keeps unsharded, in the dtype the model computes in, the
parameters of the root module (embeddings, final norm, LM head: the ones outside the
blocks) from the forward pass to the end of the backward pass, and one block's gathered
parameters (the next one is prefetched when the backward pass starts): measured with
``FSDPMemTracker`` on two processes (``genai_docs.transformer.distributed``). At the end of
the backward pass it reduce-scatters the root's gradients: they are alive unsharded, in the
compute dtype (the embedding's backward holds one more copy of its gradient), beside their
copy in the reduction dtype (fp32 under FSDP2's policy) and the reduce-scatter's input
buffer (:func:`root_reduce_bytes`). Just before, during the last block's backward pass,
that block's gathered parameters and unsharded gradients are alive beside the root's, and
the previous block's reduce-scatter buffer (:func:`last_block_bytes`).
"""

from __future__ import annotations

from typing import Protocol

from genai_docs.memory.shape import ModelShape

POLICIES = ("auto", "autocast", "fsdp2", "deepspeed")


class MixedSetting(Protocol):
    precision: str  # "fp32", "bf16" or "mixed"
    mixed: str  # one of POLICIES
    zero_stage: int
    recompute: str


def policy(cfg: MixedSetting) -> str:
    """The mixed-precision implementation of ``cfg``: "autocast", "fsdp2", "deepspeed", or
    "" without mixed precision. "auto" is FSDP2's policy under ZeRO-3, else autocast."""
    if cfg.precision != "mixed":
        return ""
    if cfg.mixed == "auto":
        return "fsdp2" if cfg.zero_stage == 3 else "autocast"
    return cfg.mixed


def check_policy(cfg: MixedSetting) -> None:
    """``ValueError`` for a policy that does not apply to ``cfg``."""
    if cfg.mixed not in POLICIES:
        raise ValueError(f"mixed must be one of {', '.join(POLICIES)}, not {cfg.mixed!r}")
    if cfg.mixed != "auto" and cfg.precision != "mixed":
        raise ValueError("mixed chooses how mixed precision runs: it needs precision='mixed'")
    if cfg.mixed == "fsdp2" and cfg.zero_stage != 3:
        raise ValueError("FSDP2's mixed-precision policy shards everything: it needs ZeRO stage 3")


def activation_precision(cfg: MixedSetting) -> str:
    """The precision the activation formulas follow: FSDP2 and DeepSpeed compute in pure
    bf16; autocast keeps an fp32 residual stream ("mixed")."""
    return "bf16" if policy(cfg) in ("fsdp2", "deepspeed") else cfg.precision


def state_bytes(cfg: MixedSetting) -> tuple[int, int, int]:
    """Bytes per parameter of ``(weights, gradients, master copy)``; the master copy is
    part of the optimizer states (DeepSpeed's), the other states are in fp32 but in pure
    bf16."""
    kind = policy(cfg)
    if kind == "deepspeed":
        return 2, 2, 4
    if kind:  # autocast, fsdp2: fp32 weights and gradients
        return 4, 4, 0
    return (2, 2, 0) if cfg.precision == "bf16" else (4, 4, 0)


def autocast_copy_bytes(shape: ModelShape, cfg: MixedSetting, lora: bool = False) -> int:
    """Autocast's bf16 copies of the matrices alive when the backward pass starts: every
    matrix the matmuls cast (the experts' are not cast: their grouped matmul runs in the
    weights' dtype; the routers' are), the LM head's included; with recomputation, the LM
    head's and one block's at a time."""
    if policy(cfg) != "autocast":
        return 0
    experts = shape.moe_layers * shape.n_experts * shape.expert_params
    routers = shape.moe_layers * shape.n_experts * shape.d_model
    cast = shape.linear_params - experts + routers
    if cfg.recompute == "full":
        cast //= shape.n_layer
    return 2 * (cast + shape.vocab_size * shape.d_model)


def gathered_bytes(shape: ModelShape, cfg: MixedSetting) -> int:
    """ZeRO-3: the unsharded parameters alive when the backward pass starts, in the dtype
    the model computes in: the root module's (everything outside the blocks) and one block
    (the largest), gathered ahead of its backward pass."""
    if cfg.zero_stage != 3:
        return 0
    size = 2 if policy(cfg) in ("fsdp2", "deepspeed") or cfg.precision == "bf16" else 4
    return size * (root_params(shape) + block_params(shape))


def _numel(dims: tuple[int, ...]) -> int:
    total = 1
    for dim in dims:
        total *= dim
    return total


def block_params(shape: ModelShape) -> int:
    """Parameters of the largest block (a mixture-of-experts one if any)."""
    return (shape.params - root_params(shape)) // shape.n_layer + _moe_excess(shape)


def _moe_excess(shape: ModelShape) -> int:
    """How much a MoE block exceeds the average block (models mixing dense and MoE blocks)."""
    if not shape.moe_layers or shape.moe_layers == shape.n_layer:
        return 0
    dense = 3 * shape.d_model * shape.d_ff
    moe = shape.n_experts * (shape.expert_params + shape.d_model)
    if shape.d_shared:
        moe += 3 * shape.d_model * shape.d_shared + shape.d_model
    return (moe - dense) * (shape.n_layer - shape.moe_layers) // shape.n_layer


def root_params(shape: ModelShape) -> int:
    """Parameters outside the blocks: embeddings (GPT-2's position table too), the final
    norm (GPT-2's LayerNorm has a bias) and an untied LM head."""
    d = shape.d_model
    if shape.family == "gpt2":
        return shape.vocab_size * d + _numel(shape.param_shapes[1]) + 2 * d
    if shape.family == "llama":
        return shape.vocab_size * d + d + shape.head_params
    return shape.vocab_size * d + shape.head_params


def root_reduce_bytes(shape: ModelShape, cfg: MixedSetting) -> dict[str, int]:
    """ZeRO-3, end of the backward pass: the root's gradients being reduce-scattered.

    ``gradients``: the root's unsharded gradients in the compute dtype ``c``, plus one more
    embedding-sized copy (``c · R + c · V · d``); ``temporaries``: their copy in the
    reduction dtype when it differs (FSDP2's fp32), and the reduce-scatter's input buffer
    (``r · R``). Measured on two processes: equal to the byte.
    """
    if cfg.zero_stage != 3:
        return {"gradients": 0, "temporaries": 0}
    kind = policy(cfg)
    compute = 2 if kind in ("fsdp2", "deepspeed") or cfg.precision == "bf16" else 4
    reduce = 4 if kind in ("fsdp2", "autocast") or cfg.precision == "fp32" else 2
    root = root_params(shape)
    cast = reduce * root if reduce != compute else 0
    return {
        "gradients": compute * (root + shape.vocab_size * shape.d_model),
        "temporaries": cast + reduce * root,
    }


def last_block_bytes(shape: ModelShape, cfg: MixedSetting) -> dict[str, int]:
    """ZeRO-3, the backward pass of the first block (the last one to run backward), on top
    of the sharded states: the root's and this block's gathered parameters
    (``weight_copies``), this block's unsharded gradients, the LM head's (``c · V · d``)
    and the previous block's reduce-scatter buffer (``gradients``)."""
    if cfg.zero_stage != 3:
        return {"weight_copies": 0, "gradients": 0}
    kind = policy(cfg)
    compute = 2 if kind in ("fsdp2", "deepspeed") or cfg.precision == "bf16" else 4
    reduce = 4 if kind in ("fsdp2", "autocast") or cfg.precision == "fp32" else 2
    block = block_params(shape)
    gathered = compute if kind != "autocast" else 4  # autocast gathers fp32 parameters
    copies = gathered * (root_params(shape) + block)
    if kind == "autocast":  # this block's and the LM head's bf16 copies, still saved
        experts = shape.moe_layers * shape.n_experts * shape.expert_params
        copies += 2 * ((shape.linear_params - experts) // shape.n_layer)
        copies += 2 * shape.vocab_size * shape.d_model
    grads = compute * (block + shape.vocab_size * shape.d_model) + reduce * block
    return {"weight_copies": copies, "gradients": grads}
