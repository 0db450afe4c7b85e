"""Time, not only memory: a training step's seconds and decoding's tokens per second.

Two bounds, each a quantity of work divided by a published peak:

- **compute** (training): the floating-point operations of a step divided by the GPU's
  peak throughput times the share of it training achieves, the *model FLOPs utilisation*
  (MFU; Chowdhery et al., "PaLM", 2022: 46.2 %; Llama Team, 2024: 38 to 43 % on H100s).
  The operations are those of Narayanan et al., "Efficient Large-Scale Language Model
  Training on GPU Clusters Using Megatron-LM" (SC 2021): per token, ``2 N`` for the
  forward pass through the ``N`` parameters of the matrices (the LM head's included, the
  embedding lookup's not; a mixture of experts counts the ``k`` experts a token uses) and
  ``4 · n_layer · S · d_attn`` for the attention scores and their sum over the values;
  the backward pass costs twice the forward, and full recomputation one more forward;
  under LoRA the frozen matrices get no weight gradient, so the backward pass costs one
  forward (the adapters' own operations neglected).
- **memory bandwidth** (decoding): each new token reads every weight once, and the whole
  KV cache (Pope et al., "Efficiently Scaling Transformer Inference", 2022): the bytes
  read divided by the bandwidth. Decoding a batch of ``B`` sequences reads the weights
  once for all of them; a mixture of experts reads the experts its ``B`` tokens are
  routed to, ``E · (1 − (1 − k/E)^B)`` per layer on average with uniform routing. The
  step also has its operations, ``2 N_active + 4 · n_layer · T · d_attn`` per sequence:
  the slower of the two bounds is the estimate (the roofline of Williams, Waterman and
  Patterson, 2009).

The peaks are the makers' datasheets (:data:`GPUS`); the course assumes an H100 at 40 %
MFU, as :mod:`genai_docs.compute` does. Pure arithmetic: it runs in the browser too.
"""

from __future__ import annotations

from dataclasses import dataclass

from genai_docs.memory.shape import ModelShape


@dataclass(frozen=True)
class Hardware:
    """Published peaks of one accelerator (dense, no sparsity)."""

    name: str
    bf16_flops: float  # FLOP/s of its tensor cores in bf16 (fp32 accumulation)
    fp32_flops: float  # FLOP/s in fp32 without tensor cores (PyTorch's default for fp32)
    bandwidth: float  # bytes/s of its memory
    source: str  # where the figures come from


GPUS = {
    "H100": Hardware("H100 SXM", 989e12, 67e12, 3.35e12, "fiche technique NVIDIA H100"),
    "H200": Hardware("H200 SXM", 989e12, 67e12, 4.8e12, "fiche technique NVIDIA H200"),
    "A100": Hardware("A100 80 Go SXM", 312e12, 19.5e12, 2.039e12, "fiche technique NVIDIA A100"),
    "RTX 4090": Hardware(
        "RTX 4090", 165.2e12, 82.6e12, 1.008e12, "livre blanc NVIDIA Ada Lovelace"
    ),
}
DEFAULT_GPU = "H100"
DEFAULT_MFU = 0.4


def matmul_params(shape: ModelShape) -> int:
    """Parameters a token multiplies through: the blocks' matrices (a mixture of experts'
    ``k`` routed experts only) and the LM head's; embeddings and norms excluded."""
    idle = shape.moe_layers * (shape.n_experts - shape.top_k) * shape.expert_params
    return shape.linear_params - idle + shape.vocab_size * shape.d_model


def forward_flops_per_token(shape: ModelShape, context: int) -> float:
    """Operations of one token's forward pass with ``context`` positions attended."""
    attention = 4 * shape.n_layer * context * shape.d_attn
    return 2 * matmul_params(shape) + attention


def training_step_flops(
    shape: ModelShape, tokens: int, seq_len: int, recompute: bool, lora: bool = False
) -> float:
    """Operations of one training step over ``tokens`` tokens in sequences of ``seq_len``:
    3 forward passes' worth (forward, backward), 2 under LoRA, one more with full
    recomputation."""
    passes = (2 if lora else 3) + (1 if recompute else 0)
    return passes * tokens * forward_flops_per_token(shape, seq_len)


def _check(mfu: float) -> None:
    if not 0 < mfu <= 1:
        raise ValueError(f"the utilisation must be in (0, 1], not {mfu!r}")


def training_step_seconds(
    shape: ModelShape,
    tokens: int,
    seq_len: int,
    precision: str = "mixed",
    recompute: bool = False,
    gpu: Hardware | None = None,
    mfu: float = DEFAULT_MFU,
    lora: bool = False,
) -> float:
    """Seconds of one training step on one GPU: operations ÷ (peak × ``mfu``). fp32 runs
    without tensor cores (PyTorch's default); bf16 and mixed precision on them."""
    _check(mfu)
    gpu = gpu or GPUS[DEFAULT_GPU]
    peak = gpu.fp32_flops if precision == "fp32" else gpu.bf16_flops
    return training_step_flops(shape, tokens, seq_len, recompute, lora) / (peak * mfu)


def experts_read(shape: ModelShape, batch_size: int) -> float:
    """Routed experts a decoding step reads per MoE layer: ``E · (1 − (1 − k/E)^B)``."""
    if not shape.n_experts:
        return 0.0
    E, k = shape.n_experts, shape.top_k
    return E * (1 - (1 - k / E) ** batch_size)


def weights_read(shape: ModelShape, weight_bytes: float, batch_size: int) -> float:
    """Bytes of weights one decoding step reads: all of them, but for a mixture of experts
    only the experts its ``batch_size`` tokens are routed to."""
    if not shape.n_experts:
        return weight_bytes
    unread = shape.moe_layers * (shape.n_experts - experts_read(shape, batch_size))
    return weight_bytes * (1 - unread * shape.expert_params / shape.params)


@dataclass(frozen=True)
class DecodeSpeed:
    """Decoding's estimate and what bounds it."""

    tokens_per_second: float  # all sequences together
    seconds_per_step: float
    bytes_per_step: float  # read from memory
    flops_per_step: float
    bound: str  # "mémoire" or "calcul"


def decode_speed(
    shape: ModelShape,
    weight_bytes: int,
    cached: int,
    kv_bytes: int,
    batch_size: int,
    compute_dtype: str = "bf16",
    gpu: Hardware | None = None,
    mfu: float = DEFAULT_MFU,
) -> DecodeSpeed:
    """Tokens per second of decoding ``batch_size`` sequences with ``cached`` positions
    (``kv_bytes`` of cache in all): the slower of reading the bytes at the published
    bandwidth and computing the operations at ``mfu`` of the peak."""
    _check(mfu)
    gpu = gpu or GPUS[DEFAULT_GPU]
    read = weights_read(shape, weight_bytes, batch_size) + kv_bytes
    flops = batch_size * forward_flops_per_token(shape, cached)
    peak = gpu.fp32_flops if compute_dtype == "fp32" else gpu.bf16_flops
    memory, compute = read / gpu.bandwidth, flops / (peak * mfu)
    step = max(memory, compute)
    bound = "mémoire" if memory >= compute else "calcul"
    return DecodeSpeed(batch_size / step, step, read, flops, bound)
