"""Inference memory: the weights in a given number format, and the KV cache.

:mod:`genai_docs.memory.generation` uses them for ``model.generate`` (the last position's
logits only) and for one forward pass that returns the logits of every position
(:func:`~genai_docs.memory.generation.estimate_forward`: scoring a text, say).

- Weights: 4 bytes per parameter in fp32, 2 in fp16/bf16; int8 and int4 apply to the
  matrices of the blocks (as bitsandbytes and GPTQ do), with one fp16 scale per output row
  (int8, :func:`int8_rows`) or per group of 64 weights (int4: 4 + 16/64 = 4.25 bits); the
  embeddings, norms and LM head stay in fp16. int8 is measured on CPU
  (``tests/test_memory_out_of_sample_inference.py``); int4 is not.
- KV cache (Pope et al., "Efficiently Scaling Transformer Inference", 2022):
  ``2 · n_layer · n_kv_head · head_dim · seq_len · batch_size · bytes``; grouped-query
  attention (Ainslie et al., 2023) divides it by ``n_head / n_kv_head``. A block with a
  sliding window of ``w`` positions (Beltagy et al., "Longformer", 2020; Mistral 7B) keeps
  at most ``w`` of them: ``transformers``' ``DynamicSlidingWindowLayer`` keeps a view of
  the last ``w − 1`` and concatenates the new one, so its storage holds ``min(T, w)``.
"""

from __future__ import annotations

from genai_docs.memory.params import ModelShape

DTYPE_BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "int8": 8, "int4": 4}
INT4_GROUP = 64  # weights sharing one fp16 scale in int4


def stored_weight_bytes(shape: ModelShape, dtype: str) -> int:
    """Bytes of the weights of ``shape`` stored in ``dtype`` (quantization scales included).

    The weights alone, in a format; :func:`genai_docs.memory.weight_bytes` is the weights
    column of an estimate (sharded by ZeRO-3, LoRA's adapters included)."""
    if dtype not in DTYPE_BITS:
        raise ValueError(f"dtype must be one of {', '.join(DTYPE_BITS)}, not {dtype!r}")
    if dtype in ("fp32", "fp16", "bf16"):
        return DTYPE_BITS[dtype] // 8 * shape.params
    rest = 2 * (shape.params - shape.linear_params)  # embeddings, norms, head: fp16
    if dtype == "int8":
        return shape.linear_params + 2 * int8_rows(shape) + rest
    groups = -(-shape.linear_params // INT4_GROUP)
    return -(-shape.linear_params // 2) + 2 * groups + rest


def int8_rows(shape: ModelShape) -> int:
    """Output rows of the blocks' matrices, one int8 scale each: per GPT-2 block ``3d``
    (``c_attn``), ``d``, ``f`` and ``d``; per Llama block ``n_head · head_dim`` (q),
    ``2 · d_kv`` (k, v), ``d`` (o), ``2f`` (gate, up) and ``d`` (down). Other models:
    ``linear_params / d_model``, as if every matrix read ``d_model`` inputs."""
    if shape.moe_layers or shape.family not in ("gpt2", "llama"):
        return shape.linear_params // shape.d_model
    d, f = shape.d_model, shape.d_ff
    per_block = (
        5 * d + f if shape.family == "gpt2" else shape.d_attn + 2 * shape.d_kv + 2 * d + 2 * f
    )
    return shape.n_layer * per_block


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
