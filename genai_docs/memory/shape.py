"""What the memory formulas know of a model, and the exact shapes of the decoders we model.

:class:`ModelShape` holds the sizes the formulas read (layers, widths, heads, experts,
attention window, dropout) and the shape of every parameter tensor. :func:`decoder_shape`
builds it by arithmetic alone, without PyTorch, for the decoders of ``transformers`` 5
(the ``*ForCausalLM`` classes), listing the tensors in the order they are registered:

- ``"gpt2"``: token and learned position embeddings, then per block LayerNorm, fused
  ``c_attn`` (``d → 3d``, a ``Conv1D`` stored ``(in, out)``) and ``c_proj``, LayerNorm,
  ``c_fc`` and ``c_proj``, all with biases; a final LayerNorm; the LM head tied to the
  embedding unless told otherwise.
- ``"llama"`` (Llama, Mistral, Qwen2, Mixtral, Qwen2-MoE): token embedding (rotary
  positions have no parameter), then per block ``q, k, v, o`` (biases on ``q, k, v`` for
  Qwen2, on all four with Llama's ``attention_bias``), the MLP, two RMSNorms; a final
  RMSNorm; an untied LM head unless told otherwise. The MLP is gated (``gate, up, down``),
  or a sparse mixture of experts (Shazeer et al., 2017; Fedus et al., "Switch
  Transformers", 2022): a router ``(E, d)``, then the experts stored as two 3-D tensors,
  ``gate_up_proj (E, 2·f_e, d)`` and ``down_proj (E, d, f_e)`` (Mixtral, Jiang et al.,
  2024), plus for Qwen2-MoE a shared expert (a gated MLP of width ``f_s``) and its
  ``(1, d)`` gate. Qwen2-MoE keeps dense MLPs on some layers (``mlp_only_layers``,
  ``decoder_sparse_step``).

Everything here is pure arithmetic, so it runs where PyTorch does not: in the site's
calculator, in the reader's browser, and in ``genai-docs memory``'s fast path. The tests
check every shape against the model ``transformers`` builds on the meta device.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FAMILIES = ("gpt2", "llama")
_ACTIVATIONS = {"gpt2": "gelu_new", "llama": "silu"}  # the configs' defaults


@dataclass(frozen=True)
class ModelShape:
    """What the memory formulas need to know about an architecture."""

    name: str  # registry name, file name or config class name
    family: str  # "gpt2" (LayerNorm, fused QKV, GELU MLP), "llama" (RMSNorm, gated MLP) or "other"
    params: int  # exact number of parameters, tied weights counted once
    n_layer: int  # transformer blocks (encoder + decoder for encoder-decoders)
    n_head: int  # attention (query) heads
    n_kv_head: int  # key/value heads (< n_head with grouped-query attention)
    d_model: int  # hidden size
    d_ff: int  # MLP inner size (of the dense layers)
    vocab_size: int  # tokens in the vocabulary
    head_dim: int  # size of one attention head
    activation: str  # MLP activation name from the config
    linear_params: int  # weights of the linear layers inside the blocks (quantizable)
    head_params: int  # weights of an untied LM head (0 when tied)
    param_shapes: tuple[tuple[int, ...], ...]  # shape of every parameter tensor, in order
    max_positions: int = 0  # GPT-2: rows of its learned position table; RoPE: trained context
    embd_dropout: float = 0.0  # dropout probability after the embeddings (GPT-2's embd_pdrop)
    resid_dropout: float = 0.0  # after each block's two output projections (resid_pdrop)
    attn_dropout: float = 0.0  # on the attention probabilities (attn_pdrop, attention_dropout)
    n_experts: int = 0  # routed experts per MoE layer (0: a dense model)
    top_k: int = 0  # experts each token is routed to
    d_expert: int = 0  # inner width of one routed expert
    d_shared: int = 0  # inner width of the shared expert (Qwen2-MoE; 0: none)
    moe_layers: int = 0  # blocks whose MLP is a mixture of experts
    window: int = 0  # sliding-window attention: positions a query sees (0: no window)
    window_layers: int = 0  # blocks with a sliding window (the others attend to everything)

    @property
    def d_kv(self) -> int:
        """Width of the keys (and of the values): ``n_kv_head * head_dim``."""
        return self.n_kv_head * self.head_dim

    @property
    def d_attn(self) -> int:
        """Width of the queries and of the attention's output: ``n_head * head_dim``."""
        return self.n_head * self.head_dim

    @property
    def expert_params(self) -> int:
        """Parameters of one routed expert (gate, up and down projections)."""
        return 3 * self.d_model * self.d_expert

    @property
    def active_params(self) -> int:
        """Parameters one token goes through: all of them, minus the experts it is not
        routed to (``E − k`` per MoE layer)."""
        idle = self.moe_layers * (self.n_experts - self.top_k) * self.expert_params
        return self.params - idle

    @property
    def has_dropout(self) -> bool:
        """Whether training saves dropout masks (some probability above 0)."""
        return max(self.embd_dropout, self.resid_dropout, self.attn_dropout) > 0

    def without_dropout(self) -> ModelShape:
        """The same model trained with every dropout probability set to 0."""
        from dataclasses import replace

        return replace(self, embd_dropout=0.0, resid_dropout=0.0, attn_dropout=0.0)


def positive_int(name: str, value: Any) -> int:
    """``value`` if it is a positive integer, else ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, not {value!r}")
    return value


def _probability(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a probability in [0, 1), not {value!r}")
    return float(value)


def _numel(shape: tuple[int, ...]) -> int:
    size = 1
    for dim in shape:
        size *= dim
    return size


def decoder_shape(
    family: str,
    *,
    n_layer: int,
    d_model: int,
    n_head: int,
    d_ff: int,
    vocab_size: int,
    n_kv_head: int | None = None,
    head_dim: int | None = None,
    max_positions: int = 1024,
    tied_embeddings: bool | None = None,
    qkv_bias: bool = False,
    attention_bias: bool = False,
    mlp_bias: bool = False,
    n_experts: int = 0,
    top_k: int = 0,
    d_expert: int = 0,
    d_shared: int = 0,
    moe_layer_flags: tuple[bool, ...] | None = None,
    dropout: tuple[float, float, float] | None = None,
    window: int = 0,
    window_layers: int = 0,
    activation: str | None = None,
    name: str | None = None,
) -> ModelShape:
    """The :class:`ModelShape` of a GPT-2 or Llama-style decoder of these sizes (see above).

    ``head_dim`` defaults to ``d_model // n_head``; ``n_experts > 0`` makes the layers of
    ``moe_layer_flags`` (all by default) mixtures of ``n_experts`` experts of width
    ``d_expert``, ``top_k`` per token, with a shared expert of width ``d_shared`` if
    positive. ``dropout`` is ``(embeddings, residual, attention)``: GPT-2's defaults are
    0.1, Llama's 0. Sizes that describe no such model raise ``ValueError``.
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be 'gpt2' or 'llama', not {family!r}")
    L = positive_int("n_layer", n_layer)
    d = positive_int("d_model", d_model)
    h = positive_int("n_head", n_head)
    f = positive_int("d_ff", d_ff)
    V = positive_int("vocab_size", vocab_size)
    kv = h if n_kv_head is None else positive_int("n_kv_head", n_kv_head)
    P = positive_int("max_positions", max_positions)
    if head_dim is None:
        if d % h:
            raise ValueError(f"n_head ({h}) must divide d_model ({d})")
        hd = d // h
    else:
        hd = positive_int("head_dim", head_dim)
    if family == "gpt2" and kv != h:
        raise ValueError(f"GPT-2 has one key/value head per query head: n_kv_head must be {h}")
    if family == "gpt2" and (n_experts or hd * h != d):
        raise ValueError("GPT-2 has no experts, and its heads split d_model exactly")
    if h % kv:
        raise ValueError(f"n_kv_head ({kv}) must divide n_head ({h})")
    moe = _moe_flags(L, n_experts, top_k, d_expert, d_shared, moe_layer_flags)
    if dropout is None:
        dropout = (0.1, 0.1, 0.1) if family == "gpt2" else (0.0, 0.0, 0.0)
    names = ("embd_dropout", "resid_dropout", "attn_dropout")
    embd, resid, attn = (_probability(n, p) for n, p in zip(names, dropout, strict=True))
    if window and not 0 < window_layers <= L:
        raise ValueError(f"window_layers must be between 1 and n_layer ({L}) with a window")
    tied = (family == "gpt2") if tied_embeddings is None else bool(tied_embeddings)

    if family == "gpt2":
        block = [
            *[(d,), (d,)],  # ln_1: weight, bias
            *[(d, 3 * d), (3 * d,), (d, d), (d,)],  # attn: c_attn (Conv1D: in, out), c_proj
            *[(d,), (d,)],  # ln_2
            *[(d, f), (f,), (f, d), (d,)],  # mlp: c_fc, c_proj
        ]
        shapes = [(V, d), (P, d), *block * L, (d,), (d,)]  # wte, wpe, blocks, ln_f
        linear = L * (4 * d * d + 2 * d * f)  # c_attn, attn.c_proj, c_fc, mlp.c_proj
    else:
        q, k = h * hd, kv * hd
        attention = [
            *[(q, d), *([(q,)] if qkv_bias or attention_bias else [])],
            *[(k, d), *([(k,)] if qkv_bias or attention_bias else [])],
            *[(k, d), *([(k,)] if qkv_bias or attention_bias else [])],
            *[(d, q), *([(d,)] if attention_bias else [])],
        ]
        dense = [
            *[(f, d), *([(f,)] if mlp_bias else [])],  # gate (Linear: out, in)
            *[(f, d), *([(f,)] if mlp_bias else [])],  # up
            *[(d, f), *([(d,)] if mlp_bias else [])],  # down
        ]
        sparse = [(n_experts, d), (n_experts, 2 * d_expert, d), (n_experts, d, d_expert)]
        if d_shared:  # shared expert (gate, up, down) and its sigmoid gate
            sparse += [(d_shared, d), (d_shared, d), (d, d_shared), (1, d)]
        shapes = [(V, d)]
        linear = 0
        for is_moe in moe:
            mlp = sparse if is_moe else dense
            shapes += [*attention, *mlp, (d,), (d,)]  # + input and post-attention norms
            linear += 2 * q * d + 2 * k * d
            if is_moe:
                linear += n_experts * 3 * d * d_expert + (3 * d * d_shared + d if d_shared else 0)
            else:
                linear += 3 * d * f
        shapes.append((d,))  # final norm
    if not tied:
        shapes.append((V, d))  # lm_head
    return ModelShape(
        name=name or family,
        family=family,
        params=sum(_numel(s) for s in shapes),
        n_layer=L,
        n_head=h,
        n_kv_head=kv,
        d_model=d,
        d_ff=f,
        vocab_size=V,
        head_dim=hd,
        activation=activation or _ACTIVATIONS[family],
        linear_params=linear,
        head_params=0 if tied else V * d,
        param_shapes=tuple(shapes),
        max_positions=P,
        embd_dropout=embd,
        resid_dropout=resid,
        attn_dropout=attn,
        n_experts=n_experts if any(moe) else 0,
        top_k=top_k if any(moe) else 0,
        d_expert=d_expert if any(moe) else 0,
        d_shared=d_shared if any(moe) else 0,
        moe_layers=sum(moe),
        window=window if window_layers else 0,
        window_layers=window_layers if window else 0,
    )


def _moe_flags(
    n_layer: int,
    n_experts: int,
    top_k: int,
    d_expert: int,
    d_shared: int,
    flags: tuple[bool, ...] | None,
) -> tuple[bool, ...]:
    """Which blocks are mixtures of experts (checks the expert sizes)."""
    if not n_experts:
        return (False,) * n_layer
    positive_int("n_experts", n_experts)
    positive_int("d_expert", d_expert)
    if isinstance(d_shared, bool) or not isinstance(d_shared, int) or d_shared < 0:
        raise ValueError(f"d_shared must be a non-negative integer, not {d_shared!r}")
    if not 1 <= positive_int("top_k", top_k) <= n_experts:
        raise ValueError(f"top_k ({top_k}) must be between 1 and n_experts ({n_experts})")
    flags = (True,) * n_layer if flags is None else tuple(bool(x) for x in flags)
    if len(flags) != n_layer:
        raise ValueError(f"moe_layer_flags must have n_layer ({n_layer}) entries")
    return flags
