"""Inference memory as ``model.generate`` really runs: the prompt's prefill, then decoding;
and one forward pass that returns every position's logits (:func:`estimate_forward`).

Read off ``transformers`` 5 (``GenerationMixin._sample``, ``DynamicCache``, the GPT-2 and
Llama modelling code) and checked, tensor by tensor, with PyTorch's ``MemTracker``:

- **Prefill**: one forward pass over the ``B × S`` prompt tokens, with ``logits_to_keep=1``:
  the LM head runs on the last position only, so the logits are ``(B, 1, V)`` in the
  model's dtype, and ``_sample`` copies them to an fp32 ``(B, V)``. Without gradients a
  block's tensors die with it; the peak is inside the last block, once every layer's keys
  and values are in the cache.
- **KV cache** (Pope et al., "Efficiently Scaling Transformer Inference", 2022):
  ``DynamicCache`` appends each new token's keys and values with ``torch.cat``; after
  ``N`` new tokens it holds ``S + N − 1`` positions (the last token is never fed back),
  and while a layer's ``cat`` runs, that layer's old keys are alive beside the new ones.
- **Decoding**: ``N − 1`` forward passes of one token per sequence; each keeps the previous
  step's fp32 logits (greedy) or its logits, scores and probabilities (sampling with
  ``generate``'s default top-k warper) while the next one is computed.
- **Weights** in their storage format (:func:`stored_weight_bytes`: int8/int4 included); the
  activations, cache and logits are in the compute dtype (fp16 for int8/int4). The
  temporaries of quantized kernels (dequantized tiles, int32 accumulators) depend on the
  library and are not counted.

Other families are counted like GPT-2 with an element-wise MLP: an approximation, not
measured. Measured on CPU only (``tests/test_memory_generate.py``); on CUDA, fp32 with
grouped-query attention runs SDPA's math kernel, counted like eager attention
(:func:`effective_attention`), and ``max_memory_allocated`` also counts what no formula
here does: cuBLAS's workspace and the allocator's rounding to 512 bytes.

Notation as in :mod:`genai_docs.memory.activations`; ``P = B · S`` prompt tokens, ``e`` =
bytes of the compute dtype, ``T = S + N − 1`` cached positions at the last step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from genai_docs.memory.activations import effective_attention
from genai_docs.memory.experts import moe_working_bytes
from genai_docs.memory.inference import (
    DTYPE_BITS,
    kv_cache_bytes,
    kv_position_bytes,
    stored_weight_bytes,
)
from genai_docs.memory.params import ModelShape
from genai_docs.memory.report import MemoryEstimate, peak_moment

INFERENCE_PARTS = ("weights", "kv_cache", "activations", "logits", "temporaries")
_TANH_GELU = {"gelu_new"}  # written out with pow and tanh: four d_ff-wide tensors at once


@dataclass(frozen=True)
class InferenceConfig:
    """One ``model.generate`` call."""

    batch_size: int = 1  # sequences generated together
    seq_len: int = 512  # prompt tokens per sequence
    new_tokens: int = 1  # tokens generated per sequence (``max_new_tokens``)
    dtype: str = "fp16"  # weights: fp32, fp16, bf16, int8 or int4 (these two compute in fp16)
    attention: str = "sdpa"  # "sdpa" (fused kernels) or "eager" (the score matrix is built)
    device: str = "cuda"  # "cuda" or "cpu": which attention kernels exist (see activations)
    sampling: bool = False  # False: greedy (argmax); True: sampling with the top-k warper

    def __post_init__(self) -> None:
        if self.dtype not in DTYPE_BITS:
            raise ValueError(f"dtype must be one of {', '.join(DTYPE_BITS)}, not {self.dtype!r}")
        if self.batch_size < 1 or self.seq_len < 1 or self.new_tokens < 1:
            raise ValueError("batch_size, seq_len and new_tokens must be positive")
        if self.attention not in ("sdpa", "eager"):
            raise ValueError(f"attention must be 'sdpa' or 'eager', not {self.attention!r}")
        if self.device not in ("cuda", "cpu"):
            raise ValueError(f"device must be 'cuda' or 'cpu', not {self.device!r}")

    @property
    def compute_dtype(self) -> str:
        """The dtype of the activations, cache and logits: the weights', or fp16 if quantized."""
        return self.dtype if self.dtype in ("fp32", "bf16") else "fp16"

    @property
    def cached_tokens(self) -> int:
        """Positions in the cache at the last decoding step: ``S + N − 1``."""
        return self.seq_len + self.new_tokens - 1


def _element(cfg: InferenceConfig) -> int:
    return 4 if cfg.compute_dtype == "fp32" else 2


def _score_bytes(shape: ModelShape, cfg: InferenceConfig) -> int:
    """Bytes per element of the ``(B, h, S, S)`` scores at eager attention's worst moment.

    Two score-sized tensors are alive at once (product and scaled product, then masked
    scores and softmax). Llama's softmax runs in fp32 on an fp32 copy: in 16 bits that is
    the 16-bit scores, the fp32 copy and the fp32 softmax (2 + 4 + 4 bytes).
    """
    e = _element(cfg)
    return e + 8 if shape.family == "llama" and e != 4 else 2 * e


def prefill_moments(shape: ModelShape, cfg: InferenceConfig) -> dict[str, dict[str, int]]:
    """The bytes alive at the worst moments of the prefill (last block and LM head).

    Tensors that outlive a block, per prompt token (``d``-wide unless said): GPT-2 keeps its
    token and position embeddings, the block's input, the attention's output, the residual
    sum and the second LayerNorm's output (6); Llama its embeddings, the block's input (the
    embeddings themselves in a one-block model), the residual sum, the norm's output and the
    rotary ``cos`` and ``sin`` (``2 · head_dim``). Then, in the last block:

    - MLP: GPT-2's "gelu_new" holds 4 ``d_ff``-wide tensors (input, ``0.5·x``, ``x³``,
      ``0.044715·x³``), an element-wise GELU 2; Llama's gated MLP 3 (``silu(gate)``, ``up``
      and their product). With eager attention, GPT-2's block still holds the attention
      probabilities ``(B, h, S, S)`` that its attention returned.
    - Attention, fused (SDPA): GPT-2 the fused ``qkv`` (3), the kernel's output and the
      projection (1 + 1); Llama the query and three rotary temporaries (4) and the new keys
      and values (``2 · d_kv``).
    - Attention, eager: the scores (:func:`_score_bytes`), the causal mask
      ``(B, 1, S, S)``, and Llama's keys and values repeated to every head under grouped-query
      attention (``2 · d``). The mask lives through the whole forward pass.
    - LM head: its input and the ``(B, 1, V)`` logits; then the logits and their fp32 copy
      (sampling: and the warper's scores and the probabilities).
    - Mixture of experts (the last block's MLP): the routed copies and their expert
      activations instead of the gated MLP (:func:`~genai_docs.memory.experts.moe_working_bytes`),
      and Qwen2-MoE's shared expert's output, computed first.
    - Sliding window (``S ≥ w``): a boolean ``(B, 1, S, S)`` mask for SDPA (it cannot use
      its causal flag any more), one more ``(B, 1, S, S)`` mask for eager attention when
      the model also has global blocks. Every block's cache holds the ``S`` positions: a
      windowed block keeps a *view* of its last ``w − 1``, which keeps the whole tensor.
    """
    e, B, S, V = _element(cfg), cfg.batch_size, cfg.seq_len, shape.vocab_size
    P, d, f, hd = B * S, shape.d_model, shape.d_ff, shape.head_dim
    eager = effective_attention(shape, cfg) == "eager"
    score = B * shape.n_head * S * S  # elements of the (B, h, S, S) scores
    mask = B * S * S * e if eager else 0  # (B, 1, S, S), for the whole forward pass
    if shape.window and shape.window <= S:  # the window's mask, beside the causal one
        mask += B * S * S * e if eager and shape.window_layers < shape.n_layer else 0
        mask += 0 if eager else B * S * S  # SDPA: a boolean mask
    cache = kv_position_bytes(shape, B, cfg.dtype) * shape.n_layer * S
    if shape.family == "llama":
        stream = (1 + (shape.n_layer > 1)) * d + 2 * hd  # embeddings, input, cos, sin
        mlp = (stream + 2 * d + 3 * f) * P * e  # + residual sum, norm's output
        if shape.moe_layers:  # the last block is a mixture of experts
            shared = d if shape.d_shared else 0  # the shared expert's output
            mlp = (stream + 2 * d + shared) * P * e + P * moe_working_bytes(shape, e)
        if eager:
            repeat = 2 * d if shape.n_kv_head != shape.n_head else 0
            attention = (stream + d + d + repeat) * P * e  # norm's output, rotated query
        else:
            attention = (stream + d + 4 * d + 2 * shape.d_kv) * P * e
    else:
        gelu = 4 if shape.activation in _TANH_GELU else 2
        mlp = (6 * d + gelu * f) * P * e
        if eager:  # GPT-2's block keeps the attention probabilities its attention returns
            mlp += score * e
        attention = (4 * d + 3 * d + (0 if eager else 2 * d)) * P * e
    if eager:
        attention += score * _score_bytes(shape, cfg)
    return {
        "prefill_mlp": {"kv_cache": cache, "activations": mlp + mask},
        "prefill_attention": {"kv_cache": cache, "activations": attention + mask},
        "prefill_head": {"kv_cache": cache, "activations": P * d * e, "logits": B * V * e},
        "prefill_logits": {"kv_cache": cache, "logits": B * V * (e + (12 if cfg.sampling else 4))},
    }


def decode_moments(shape: ModelShape, cfg: InferenceConfig) -> dict[str, dict[str, int]]:
    """The bytes alive at the worst moments of the last decoding step (``T`` cached positions).

    The cache holds ``T`` positions (``min(T, w)`` in a block with a window), and the
    previous step's fp32 logits (greedy: 4 bytes per vocabulary entry; sampling: logits,
    scores and probabilities, 12) are alive. On top (for the last block: global, unless
    every block has a window):

    - attention: the new token's tensors (as in the prefill's attention, one position per
      sequence), and the ``cat`` that appends the last layer's values keeps its old ones
      (``B · (T − 1) · d_kv``); or, eager, the query's scores ``(B, h, 1, T)`` and mask, and
      Llama's keys and values repeated to every head under grouped-query attention
      (``2 · B · T · d``);
    - LM head: the new ``(B, 1, V)`` logits and their fp32 copy beside the previous copy
      (greedy: ``e + 8`` bytes per entry); sampling: the previous scores and probabilities,
      the new logits, copy, top-k mask (1 byte) and scores (``e + 17``).
    """
    e, B, T, V = _element(cfg), cfg.batch_size, cfg.cached_tokens, shape.vocab_size
    d, d_kv = shape.d_model, shape.d_kv
    eager = effective_attention(shape, cfg) == "eager"
    cache = kv_cache_bytes(shape, T, B, cfg.dtype)
    if shape.window_layers == shape.n_layer:  # every block, the last one too, has a window
        T = min(T, shape.window)
    previous = B * V * (12 if cfg.sampling else 4)
    if shape.family == "llama":  # embeddings, input, cos, sin, norm's output, q, k, v
        token = (1 + (shape.n_layer > 1)) * d + 2 * shape.head_dim + 2 * d + 2 * d_kv
    else:  # embeddings (2), input, LayerNorm's output, fused qkv (3)
        token = 7 * d
    # the cat's old values; a windowed block concatenates keys and values before it
    # replaces them: its old keys are alive too
    old = 2 * T if shape.window_layers == shape.n_layer else T - 1
    attention = B * (token * e + old * d_kv * e)
    if eager:  # the scores of one query, the mask, Llama's keys and values repeated
        kept = token - 2 * d_kv if shape.family == "llama" else token
        scores = B * shape.n_head * T * _score_bytes(shape, cfg) + B * T * e
        gqa = shape.family == "llama" and shape.n_kv_head != shape.n_head
        repeat = 2 * B * T * d * e if gqa else 0
        attention = max(attention, B * kept * e + scores + repeat)
    return {
        "decode_attention": {
            "kv_cache": cache,
            "activations": attention,
            "logits": previous,
        },
        "decode_logits": {"kv_cache": cache, "logits": B * V * (e + (17 if cfg.sampling else 8))},
    }


def token_id_bytes(cfg: InferenceConfig, decoding: bool) -> int:
    """int64 token ids and masks: the prompt and its attention mask, three internal copies
    (positions, mask, ids), and while decoding the two grown ``(B, T)`` ones."""
    B, S = cfg.batch_size, cfg.seq_len
    if decoding:
        return 8 * B * (5 * S + 2 * cfg.cached_tokens)
    return 8 * B * 6 * S


def generation_moments(shape: ModelShape, cfg: InferenceConfig) -> dict[str, dict[str, int]]:
    """Every moment of ``generate`` that can hold the peak, part by part (bytes)."""
    weights = stored_weight_bytes(shape, cfg.dtype)
    moments = prefill_moments(shape, cfg)
    if cfg.new_tokens > 1:
        moments.update(decode_moments(shape, cfg))
    for name, parts in moments.items():
        parts["weights"] = weights
        parts["temporaries"] = token_id_bytes(cfg, name.startswith("decode"))
    return moments


def estimate_inference(shape: ModelShape, cfg: InferenceConfig | None = None) -> MemoryEstimate:
    """The predicted peak memory of ``model.generate`` for ``cfg`` (prefill, then decoding)."""
    cfg = cfg or InferenceConfig()
    moments = generation_moments(shape, cfg)
    moment = peak_moment(moments)
    breakdown = dict.fromkeys(INFERENCE_PARTS, 0)
    breakdown.update(moments[moment])
    setting = {
        "mode": "generate",
        "peak_at": moment,
        **asdict(replace(cfg, attention=effective_attention(shape, cfg))),
    }
    return MemoryEstimate(
        model=shape.name, params=shape.params, breakdown=breakdown, setting=setting
    )


FORWARD_PARTS = ("weights", "kv_cache", "activations", "logits", "temporaries")


def forward_moments(shape: ModelShape, cfg: InferenceConfig) -> dict[str, dict[str, int]]:
    """The moments of one forward pass without gradients over ``cfg``'s prompt that fills a
    KV cache and returns the logits of *every* position: the last block's MLP and
    attention, as in the prefill (:func:`prefill_moments`), then the LM head over all
    ``P = B · S`` positions: its input (``P · d``) and the ``(B, S, V)`` logits, both in the
    compute dtype (``transformers`` returns them so; a softmax over them is the caller's).
    The token ids (``8 · P`` bytes) are alive throughout. ``cfg.new_tokens`` is ignored."""
    e, P = _element(cfg), cfg.batch_size * cfg.seq_len
    prefill = prefill_moments(shape, cfg)
    moments = {name: prefill[name] for name in ("prefill_mlp", "prefill_attention")}
    moments["forward_head"] = {
        "kv_cache": prefill["prefill_head"]["kv_cache"],
        "activations": P * shape.d_model * e,
        "logits": P * shape.vocab_size * e,
    }
    weights = stored_weight_bytes(shape, cfg.dtype)
    for parts in moments.values():
        parts["weights"] = weights
        parts["temporaries"] = 8 * P
    return moments


def estimate_forward(
    shape: ModelShape,
    batch_size: int = 1,
    seq_len: int = 512,
    dtype: str = "fp16",
    attention: str = "sdpa",
    device: str = "cuda",
) -> MemoryEstimate:
    """Peak memory of one forward pass over ``batch_size`` sequences of ``seq_len`` tokens
    that fills a KV cache and returns the logits of every position (no generation): the
    largest of :func:`forward_moments`, with the kernels of ``attention`` on ``device``."""
    cfg = InferenceConfig(batch_size, seq_len, 1, dtype, attention, device)
    moments = forward_moments(shape, cfg)
    moment = peak_moment(moments)
    breakdown = dict.fromkeys(FORWARD_PARTS, 0)
    breakdown.update(moments[moment])
    setting = {
        "mode": "forward",
        "peak_at": moment,
        "batch_size": batch_size,
        "seq_len": seq_len,
        "dtype": dtype,
        "attention": effective_attention(shape, cfg),
        "device": device,
    }
    return MemoryEstimate(
        model=shape.name, params=shape.params, breakdown=breakdown, setting=setting
    )
