"""A model's ``config.json`` read without ``transformers``: its shape by formula, in milliseconds.

``transformers`` fills every key a ``config.json`` leaves out with the default of its config
class, then derives a few (``head_dim``, the layers with a sliding window). :data:`DEFAULTS`
copies those defaults for the families :func:`formula_shape` models, as ``transformers``
5.24 writes them (``models/<type>/configuration_<type>.py``); the tests compare each with
the config class itself, and each shape with the model built on the meta device.

The attention window (:func:`window_layers`) is what ``DynamicCache`` reads
(``cache_utils.get_layer_types_and_kwargs``): the config's ``layer_types`` when given,
else a window on every layer whose config has ``sliding_window`` set. Mistral sets it by
default (4,096 positions, Jiang et al., "Mistral 7B", 2023), Qwen2 only with
``use_sliding_window`` and from layer ``max_window_layers`` on, and Qwen2-MoE on
alternate layers below ``max_window_layers``: the local/global alternation of Gemma 2
(Gemma Team, 2024).
"""

from __future__ import annotations

from typing import Any

from genai_docs.memory.shape import ModelShape, decoder_shape

_LLAMA = dict(
    vocab_size=32000,
    hidden_size=4096,
    intermediate_size=11008,
    num_hidden_layers=32,
    num_attention_heads=32,
    num_key_value_heads=None,
    head_dim=None,
    hidden_act="silu",
    max_position_embeddings=2048,
    tie_word_embeddings=False,
    attention_dropout=0.0,
)
DEFAULTS: dict[str, dict[str, Any]] = {
    "gpt2": dict(
        vocab_size=50257,
        n_positions=1024,
        n_embd=768,
        n_layer=12,
        n_head=12,
        n_inner=None,
        activation_function="gelu_new",
        resid_pdrop=0.1,
        embd_pdrop=0.1,
        attn_pdrop=0.1,
        tie_word_embeddings=True,
    ),
    "llama": {**_LLAMA, "attention_bias": False, "mlp_bias": False},
    "mistral": {
        **_LLAMA,
        "intermediate_size": 14336,
        "num_key_value_heads": 8,
        "max_position_embeddings": 4096 * 32,
        "sliding_window": 4096,
    },
    "qwen2": {
        **_LLAMA,
        "vocab_size": 151936,
        "intermediate_size": 22016,
        "num_key_value_heads": 32,
        "max_position_embeddings": 32768,
        "use_sliding_window": False,
        "sliding_window": 4096,
        "max_window_layers": 28,
        "layer_types": None,
    },
    "mixtral": {
        **_LLAMA,
        "intermediate_size": 14336,
        "num_key_value_heads": 8,
        "max_position_embeddings": 4096 * 32,
        "sliding_window": None,
        "num_local_experts": 8,
        "num_experts_per_tok": 2,
    },
    "qwen2_moe": {
        **_LLAMA,
        "vocab_size": 151936,
        "hidden_size": 2048,
        "intermediate_size": 5632,
        "num_hidden_layers": 24,
        "num_attention_heads": 16,
        "num_key_value_heads": 16,
        "max_position_embeddings": 32768,
        "use_sliding_window": False,
        "sliding_window": 4096,
        "max_window_layers": 28,
        "layer_types": None,
        "decoder_sparse_step": 1,
        "moe_intermediate_size": 1408,
        "shared_expert_intermediate_size": 5632,
        "num_experts_per_tok": 4,
        "num_experts": 60,
        "mlp_only_layers": None,
        "qkv_bias": True,
    },
}
FORMULA_TYPES = tuple(DEFAULTS)


def with_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a ``config.json``'s keys) completed with its family's defaults for the keys
    it leaves out. A key given as ``None`` stays ``None``, as in ``transformers``: Mistral's
    ``"sliding_window": null`` means no window (the keys whose ``None`` means "derive it",
    such as ``head_dim``, are derived by :func:`formula_shape`)."""
    return {**DEFAULTS[data["model_type"]], **data}


def layer_types(c: dict[str, Any]) -> list[str]:
    """``"sliding_attention"`` or ``"full_attention"`` for each block, as ``transformers``
    derives them (``__post_init__`` of the Qwen2 configs, else one type for all blocks)."""
    n = c["num_hidden_layers"]
    if c.get("layer_types") is not None:
        return list(c["layer_types"])
    kind = c["model_type"]
    if kind == "qwen2":
        window = c["sliding_window"] if c["use_sliding_window"] else None
        return [
            "sliding_attention"
            if window is not None and i >= c["max_window_layers"]
            else "full_attention"
            for i in range(n)
        ]
    if kind == "qwen2_moe":
        on = c["use_sliding_window"] and c["sliding_window"]
        return [
            "sliding_attention"
            if on and (i + 1) % 2 and i < c["max_window_layers"]
            else "full_attention"
            for i in range(n)
        ]
    if kind in ("mistral", "mixtral") and c.get("sliding_window") is not None:
        return ["sliding_attention"] * n
    return ["full_attention"] * n


def window_layers(c: dict[str, Any]) -> tuple[int, int]:
    """``(window, number of blocks with it)``: what ``DynamicCache`` gives a window."""
    sliding = sum(kind == "sliding_attention" for kind in layer_types(c))
    window = c.get("sliding_window") or 0
    if c["model_type"] == "qwen2" and not c.get("use_sliding_window"):
        window = 0  # Qwen2's __post_init__ clears it
    if c["model_type"] == "qwen2_moe" and not c.get("use_sliding_window"):
        window = 0
    return (window, sliding) if window and sliding else (0, 0)


def _moe_flags(c: dict[str, Any]) -> tuple[bool, ...]:
    """Qwen2-MoE's sparse blocks: not in ``mlp_only_layers``, every ``decoder_sparse_step``."""
    only = set(c["mlp_only_layers"] or [])
    step = c["decoder_sparse_step"]
    return tuple(
        i not in only and c["num_experts"] > 0 and (i + 1) % step == 0
        for i in range(c["num_hidden_layers"])
    )


def formula_shape(data: dict[str, Any], name: str) -> ModelShape | None:
    """The shape of the model ``data`` describes, or ``None`` for a family not modelled here.

    ``ValueError`` if the sizes describe no model (a negative width, say).
    """
    if data.get("model_type") not in DEFAULTS:
        return None
    c = with_defaults(data)
    kind = c["model_type"]
    if kind == "gpt2":
        d = c["n_embd"]
        return decoder_shape(
            "gpt2",
            n_layer=c["n_layer"],
            d_model=d,
            n_head=c["n_head"],
            d_ff=c["n_inner"] if c["n_inner"] is not None else 4 * d if isinstance(d, int) else d,
            vocab_size=c["vocab_size"],
            max_positions=c["n_positions"],
            tied_embeddings=c["tie_word_embeddings"],
            dropout=(c["embd_pdrop"], c["resid_pdrop"], c["attn_pdrop"]),
            activation=c["activation_function"],
            name=name,
        )
    window, sliding = window_layers(c)
    experts: dict[str, Any] = {}
    if kind == "mixtral":
        experts = dict(
            n_experts=c["num_local_experts"],
            top_k=c["num_experts_per_tok"],
            d_expert=c["intermediate_size"],
        )
    elif kind == "qwen2_moe":
        experts = dict(
            n_experts=c["num_experts"],
            top_k=c["num_experts_per_tok"],
            d_expert=c["moe_intermediate_size"],
            d_shared=c["shared_expert_intermediate_size"],
            moe_layer_flags=_moe_flags(c),
        )
    attention = c.get("attention_dropout") or 0.0
    return decoder_shape(
        "llama",
        n_layer=c["num_hidden_layers"],
        d_model=c["hidden_size"],
        n_head=c["num_attention_heads"],
        n_kv_head=c["num_key_value_heads"],
        head_dim=c["head_dim"],
        d_ff=c["intermediate_size"],
        vocab_size=c["vocab_size"],
        max_positions=c["max_position_embeddings"],
        tied_embeddings=c["tie_word_embeddings"],
        qkv_bias=kind in ("qwen2", "qwen2_moe") and c.get("qkv_bias", True),
        attention_bias=bool(c.get("attention_bias")),
        mlp_bias=bool(c.get("mlp_bias")),
        dropout=(0.0, 0.0, attention),
        window=window,
        window_layers=sliding,
        activation=c["hidden_act"],
        name=name,
        **experts,
    )
