"""Activation memory: the tensors a forward pass saves for the backward pass.

The classic count is Korthikanti et al., "Reducing Activation Recomputation in Large
Transformer Models" (2022): ``s·b·h·(34 + 5·a·s/h)`` bytes per layer for Megatron in fp16.
The coefficients depend on the implementation, so ours are read off the ``transformers``
code the course runs (GPT-2 and Llama families, PyTorch's SDPA or "eager" attention), one
saved tensor at a time; the validation matrix checks them against measured peaks.

Notation, per token (``N = batch_size · seq_len`` tokens): ``d = d_model``, ``f = d_ff``,
``h = n_head``, ``d_kv`` = width of the keys, ``e`` = bytes of a matmul output (4 in fp32,
2 in bf16 or under autocast), ``r`` = bytes of the residual stream (4 in fp32 and under
autocast, 2 in pure bf16).

**Dropout** (Srivastava et al., 2014), when the config's probabilities are above 0, saves
a mask per dropped tensor. On CUDA, ``native_dropout`` keeps a boolean mask (1 byte per
element); on the CPU, PyTorch draws the mask as a tensor of the input's dtype and
multiplies (``_dropout_impl``). GPT-2 drops the embeddings' sum, each block's two output
projections and, inside the attention, the probabilities, whose dropped copy the product
with the values then saves (instead of the copy it saved before, when there was one).
Attention kernels: on CUDA, flash and memory-efficient attention support dropout by
regenerating the mask from the random generator's state, so nothing more is saved; on the
CPU, SDPA has no fused kernel with dropout and runs its *math* kernel, which computes in
fp32 and saves the queries, keys and values (repeated to every head), the softmax, the
mask and the dropped probabilities, all in fp32 (measured tensor by tensor).
"""

from __future__ import annotations

from typing import Protocol

from genai_docs.memory.experts import moe_autocast_copies, moe_saved_bytes
from genai_docs.memory.shape import ModelShape


class KernelSetting(Protocol):
    """What picks an attention kernel: a ``TrainingConfig`` or an ``InferenceConfig``."""

    attention: str  # "sdpa" or "eager", as asked
    device: str  # "cuda" or "cpu"

    @property
    def compute_dtype(self) -> str: ...  # "fp32", "fp16" or "bf16": the matmuls' dtype


def effective_attention(shape: ModelShape, cfg: KernelSetting) -> str:
    """The attention the kernels really run: "sdpa" (fused), "eager" (scores stored), or
    "math" (SDPA's fallback, its scores in fp32: training with attention dropout on CPU).

    On CUDA, PyTorch's fused kernels need fp16/bf16 (flash attention) or as many key/value
    heads as query heads (memory-efficient attention): fp32 with grouped-query attention
    falls back to the math kernel, which materialises the scores as eager attention does.
    Training and inference go through the same rule, so every helper sees the same kernel.
    No recorded run measures this fallback (the GPU dataset, ``frozen/memoire.json``, is in
    mixed precision): the CLI and the calculator say « non mesuré » where it applies
    (:func:`genai_docs.memory.remarks.unmeasured`).
    """
    gqa = shape.n_kv_head != shape.n_head
    fp32 = cfg.compute_dtype == "fp32"
    if cfg.attention == "sdpa" and cfg.device == "cuda" and fp32 and gqa:
        return "eager"
    dropping = getattr(cfg, "training", False) and shape.attn_dropout > 0
    if cfg.attention == "sdpa" and cfg.device == "cpu" and dropping:
        return "math"  # no fused CPU kernel with dropout: SDPA's math kernel, in fp32
    return cfg.attention


_ELEMENTWISE_ACTIVATIONS = {"gelu", "gelu_pytorch_tanh", "relu", "gelu_fast", "quick_gelu"}


def element_sizes(precision: str) -> tuple[int, int]:
    """``(e, r)``: bytes of a matmul output and of the residual stream under ``precision``."""
    if precision == "fp32":
        return 4, 4
    if precision == "bf16":
        return 2, 2
    if precision == "mixed":
        return 2, 4
    raise ValueError(f"unknown precision {precision!r}")


def norm_bytes(shape: ModelShape, precision: str) -> int:
    """Bytes per token saved by one normalisation layer (its inputs, statistics, outputs)."""
    e, r = element_sizes(precision)
    d = shape.d_model
    if shape.family == "llama":
        # RMSNorm in fp32: x (fp32), rsqrt (fp32 per token), x·rsqrt, then weight·(...) which
        # the next linear saves, unless autocast saves its own bf16 copy instead.
        return 4 * d + 4 + d * r + (0 if precision == "mixed" else d * e)
    # LayerNorm: its input, mean and rstd (fp32); the next linear saves the output (e).
    return d * r + 8 + d * e


def mask_bytes(element: int, device: str) -> int:
    """Bytes per element of a dropout mask: a boolean on CUDA, the input's dtype on the CPU."""
    return 1 if device == "cuda" else element


def attention_activation_bytes(
    shape: ModelShape, precision: str, seq_len: int, attention: str = "sdpa", device: str = "cuda"
) -> int:
    """Bytes per token saved by one block's attention (projections' outputs, softmax)."""
    e, _ = element_sizes(precision)
    d, h = shape.d_model, shape.n_head
    if attention == "math":  # q, k, v and three score-sized tensors in fp32; the output
        return 3 * shape.d_attn * 4 + 3 * h * seq_len * 4 + shape.d_attn * e
    dropped = 0  # eager attention with dropout: the mask, and the matmul's saved input
    if attention == "eager" and shape.attn_dropout > 0:
        dropped = h * seq_len * _attention_dropout_bytes(shape, precision, device)
    if shape.family == "llama":
        if attention == "sdpa":
            return (2 * d + 2 * shape.d_kv) * e + 4 * h  # q, k, v, output; logsumexp
        # q, k and v repeated to n_head heads, output; the fp32 softmax and its cast.
        return 4 * d * e + h * seq_len * (4 + (e if e != 4 else 0)) + dropped
    if attention == "sdpa":
        return 6 * d * e + 4 * h  # fused qkv, q and v copies, output; logsumexp
    # fused qkv, output; the softmax of the scores (fp32 under autocast) and its cast
    return 4 * d * e + h * seq_len * (6 if precision == "mixed" else e) + dropped


def _attention_dropout_bytes(shape: ModelShape, precision: str, device: str) -> int:
    """Bytes per score that dropping the attention probabilities adds (eager attention).

    The mask has the dtype of the probabilities dropped: fp32 for Llama under autocast
    (its queries are fp32 after the rotary embedding), the matmul's dtype otherwise. The
    product with the values saves the dropped probabilities, which replace the cast it
    saved without dropout, when there was one (Llama in bf16; GPT-2 under autocast): only
    an fp32 softmax that feeds the product directly adds a dropped copy.
    """
    e, _ = element_sizes(precision)
    if shape.family == "llama":
        dropped = 4 if precision == "mixed" else e
        return mask_bytes(dropped, device) + (4 if precision == "fp32" else 0)
    return mask_bytes(e, device) + (0 if precision == "mixed" else e)


def layer_activation_bytes(
    shape: ModelShape,
    precision: str,
    seq_len: int,
    attention: str = "sdpa",
    device: str = "cuda",
    moe: bool = False,
) -> int:
    """Bytes saved for backward by one transformer block, per token of the batch.

    ``moe``: the block's MLP is a mixture of experts (:mod:`genai_docs.memory.experts`).
    ``device`` matters under autocast, whose op lists differ: on CUDA ``pow`` runs in
    fp32 (PyTorch's list of CUDA ops that autocast to float32), so GPT-2's "gelu_new" keeps
    fp32 intermediates (the GPT-2 rows of ``frozen/memoire.json``, measured on a GPU in
    mixed precision, follow it); and for dropout masks (:func:`mask_bytes`: CUDA's boolean
    masks are not measured).
    """
    e, _ = element_sizes(precision)
    d, f = shape.d_model, shape.d_ff
    total = 2 * norm_bytes(shape, precision)
    if shape.resid_dropout > 0:  # the masks of the attention's and the MLP's outputs
        total += 2 * d * mask_bytes(e, device)
    total += attention_activation_bytes(shape, precision, seq_len, attention, device)
    if shape.family == "llama":
        if precision == "mixed":  # autocast's bf16 copies of the inputs of q, k, v and the MLP
            total += (3 + (moe_autocast_copies(shape) if moe else 2)) * d * 2
        if moe:
            return total + moe_saved_bytes(shape, precision, e)
        return total + 4 * f * e  # gate, silu(gate), up, and their product
    # MLP: the GELU input and output; "gelu_new" is written with 4 saved intermediates.
    if shape.activation in _ELEMENTWISE_ACTIVATIONS:
        total += 2 * f * e
    elif precision == "mixed" and device == "cuda":
        # fp32 copy of x (pow), tanh, 1 + tanh; 0.5·x in bf16; bf16 copy for the projection
        total += (4 + 4 + 4 + 2 + 2) * f
    else:
        total += 5 * f * e
    return total


def window_mask_bytes(shape: ModelShape, precision: str, seq_len: int, attention: str) -> int:
    """Bytes per token of the sliding window's ``(B, 1, S, S)`` mask, once ``S`` reaches the
    window (below, it is the causal mask SDPA applies by itself): a boolean for SDPA, in the
    matmul's dtype for eager attention. Built once per forward pass, shared by the blocks."""
    if not shape.window or seq_len < shape.window:
        return 0
    return seq_len * (element_sizes(precision)[0] if attention == "eager" else 1)


def blocks_activation_bytes(
    shape: ModelShape, precision: str, seq_len: int, attention: str = "sdpa", device: str = "cuda"
) -> int:
    """Bytes per token saved by all the blocks: dense ones and mixture-of-experts ones, and
    the window's mask."""
    dense = shape.n_layer - shape.moe_layers
    total = window_mask_bytes(shape, precision, seq_len, attention)
    total += dense * layer_activation_bytes(shape, precision, seq_len, attention, device)
    if shape.moe_layers:
        moe = layer_activation_bytes(shape, precision, seq_len, attention, device, moe=True)
        total += shape.moe_layers * moe
    return total


def head_activation_bytes(shape: ModelShape, precision: str, device: str = "cuda") -> int:
    """Bytes per token saved by the final norm and the LM head's input (and by the
    embeddings' dropout, in the residual stream's dtype)."""
    extra = shape.d_model * 2 if precision == "mixed" and shape.family == "llama" else 0
    if shape.embd_dropout > 0:
        extra += shape.d_model * mask_bytes(element_sizes(precision)[1], device)
    return norm_bytes(shape, precision) + extra  # + autocast's copy of the LM head's input


def loss_bytes(shape: ModelShape) -> int:
    """Bytes per token alive when the backward of the loss runs: ``3 · V · 4``.

    ``transformers`` upcasts the logits to fp32; cross-entropy saves its log-softmax (fp32),
    and its backward allocates two more fp32 ``(N, V)`` tensors while that one is alive.
    """
    return 3 * shape.vocab_size * 4
