"""Inference memory: the weights in a given number format, the KV cache, one forward pass.

:func:`estimate_forward` is one forward pass over the whole sequence that returns the
logits of every position (scoring a text, say); :mod:`genai_docs.memory.generation`
models ``model.generate``, which computes the last position's logits only.

- Weights: 4 bytes per parameter in fp32, 2 in fp16/bf16; int8 and int4 apply to the
  matrices of the blocks (as bitsandbytes and GPTQ do), with one fp16 scale per output row
  (int8) or per group of 64 weights (int4: 4 + 16/64 = 4.25 bits); the embeddings, norms
  and LM head stay in fp16.
- KV cache (Pope et al., "Efficiently Scaling Transformer Inference", 2022):
  ``2 · n_layer · n_kv_head · head_dim · seq_len · batch_size · bytes``; grouped-query
  attention (Ainslie et al., 2023) divides it by ``n_head / n_kv_head``. A block with a
  sliding window of ``w`` positions (Beltagy et al., "Longformer", 2020; Mistral 7B) keeps
  at most ``w`` of them: ``transformers``' ``DynamicSlidingWindowLayer`` keeps a view of
  the last ``w − 1`` and concatenates the new one, so its storage holds ``min(T, w)``.
- Activations of a forward pass without gradients (:func:`estimate_forward`): nothing is
  saved, so only the largest working set counts: one MLP (its input, two ``d_ff``-wide
  tensors, its output) or the logits of every position (``N · V`` in the compute dtype,
  plus an fp32 copy for the softmax).
"""

from __future__ import annotations

from genai_docs.memory.params import ModelShape
from genai_docs.memory.report import MemoryEstimate

DTYPE_BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "int8": 8, "int4": 4}
INT4_GROUP = 64  # weights sharing one fp16 scale in int4


def weight_bytes(shape: ModelShape, dtype: str) -> int:
    """Bytes of the weights of ``shape`` stored in ``dtype`` (quantization scales included)."""
    if dtype not in DTYPE_BITS:
        raise ValueError(f"dtype must be one of {', '.join(DTYPE_BITS)}, not {dtype!r}")
    if dtype in ("fp32", "fp16", "bf16"):
        return DTYPE_BITS[dtype] // 8 * shape.params
    rest = 2 * (shape.params - shape.linear_params)  # embeddings, norms, head: fp16
    if dtype == "int8":
        rows = shape.linear_params // shape.d_model  # one scale per row of d_model weights
        return shape.linear_params + 2 * rows + rest
    groups = -(-shape.linear_params // INT4_GROUP)
    return -(-shape.linear_params // 2) + 2 * groups + rest


def kv_position_bytes(shape: ModelShape, batch_size: int, dtype: str = "fp16") -> int:
    """Bytes of one position's keys and values in one block, for ``batch_size`` sequences."""
    element = 4 if dtype == "fp32" else 2  # the cache stays in the compute dtype
    return 2 * shape.n_kv_head * shape.head_dim * batch_size * element


def kv_cache_bytes(shape: ModelShape, tokens: int, batch_size: int, dtype: str = "fp16") -> int:
    """Bytes of the keys and values of ``tokens`` positions for ``batch_size`` sequences, as
    the cache holds them once they were generated one by one: a block with a sliding window
    keeps ``min(tokens, window)`` positions."""
    full = shape.n_layer - shape.window_layers
    kept = full * tokens + shape.window_layers * min(tokens, shape.window or tokens)
    return kv_position_bytes(shape, batch_size, dtype) * kept


def estimate_forward(
    shape: ModelShape, batch_size: int = 1, seq_len: int = 512, dtype: str = "fp16"
) -> MemoryEstimate:
    """Peak memory of one forward pass over ``batch_size`` sequences of ``seq_len`` tokens
    that fills a KV cache and returns the logits of every position (no generation)."""
    if batch_size < 1 or seq_len < 1:
        raise ValueError("batch_size and seq_len must be positive")
    element = 4 if dtype == "fp32" else 2  # int8/int4 compute in 16 bits
    tokens = batch_size * seq_len
    mlp = tokens * (2 * shape.d_model + 2 * shape.d_ff) * element
    logits = tokens * shape.vocab_size * (element + 4)
    breakdown = {
        "weights": weight_bytes(shape, dtype),
        "kv_cache": kv_cache_bytes(shape, seq_len, batch_size, dtype),
        "activations": max(mlp, 0),
        "logits": logits,
    }
    setting = {"mode": "forward", "batch_size": batch_size, "seq_len": seq_len, "dtype": dtype}
    return MemoryEstimate(
        model=shape.name, params=shape.params, breakdown=breakdown, setting=setting
    )
