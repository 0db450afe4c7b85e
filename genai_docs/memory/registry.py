"""Well-known architectures, defined by their ``transformers`` configs (nothing downloaded).

The hyper-parameters are the published ones (each model's ``config.json`` on the Hugging
Face Hub); only the shapes matter. :func:`registry_dict` gives them as plain keys, which
:mod:`genai_docs.memory.configs` reads without ``transformers``; :func:`registry_config`
builds the ``transformers`` config, for the meta device and for measurements.
"""

from __future__ import annotations

from typing import Any

# name -> (model_type, config keyword arguments)
_REGISTRY: dict[str, tuple[str, dict[str, Any]]] = {
    "gpt2": ("gpt2", dict(n_layer=12, n_head=12, n_embd=768)),
    "gpt2-medium": ("gpt2", dict(n_layer=24, n_head=16, n_embd=1024)),
    "gpt2-large": ("gpt2", dict(n_layer=36, n_head=20, n_embd=1280)),
    "gpt2-xl": ("gpt2", dict(n_layer=48, n_head=25, n_embd=1600)),
    "bert-base": ("bert", dict()),
    "t5-small": ("t5", dict(d_model=512, d_ff=2048, num_layers=6, num_heads=8, d_kv=64)),
    "tinyllama-1.1b": (
        "llama",
        dict(
            hidden_size=2048,
            intermediate_size=5632,
            num_hidden_layers=22,
            num_attention_heads=32,
            num_key_value_heads=4,
            vocab_size=32000,
            max_position_embeddings=2048,
        ),
    ),
    "llama-2-7b": (
        "llama",
        dict(
            hidden_size=4096,
            intermediate_size=11008,
            num_hidden_layers=32,
            num_attention_heads=32,
            num_key_value_heads=32,
            vocab_size=32000,
            max_position_embeddings=4096,
        ),
    ),
    "llama-3-8b": (
        "llama",
        dict(
            hidden_size=4096,
            intermediate_size=14336,
            num_hidden_layers=32,
            num_attention_heads=32,
            num_key_value_heads=8,
            vocab_size=128256,
            max_position_embeddings=8192,
            rope_theta=500000.0,
        ),
    ),
    # Mistral 7B v0.1: a sliding window of 4,096 positions (the config class's default)
    "mistral-7b": (
        "mistral",
        dict(
            hidden_size=4096,
            intermediate_size=14336,
            num_hidden_layers=32,
            num_attention_heads=32,
            num_key_value_heads=8,
            vocab_size=32000,
            max_position_embeddings=32768,
        ),
    ),
    # Mixtral 8x7B v0.1 (Jiang et al., "Mixtral of Experts", 2024): 8 experts, 2 per token
    "mixtral-8x7b": (
        "mixtral",
        dict(
            hidden_size=4096,
            intermediate_size=14336,
            num_hidden_layers=32,
            num_attention_heads=32,
            num_key_value_heads=8,
            vocab_size=32000,
            max_position_embeddings=32768,
            num_local_experts=8,
            num_experts_per_tok=2,
            rope_theta=1e6,
            sliding_window=None,
        ),
    ),
    # Qwen1.5-MoE-A2.7B (a Qwen2-MoE): 60 experts, 4 per token, and a shared expert
    "qwen1.5-moe-a2.7b": (
        "qwen2_moe",
        dict(
            hidden_size=2048,
            intermediate_size=5632,
            num_hidden_layers=24,
            num_attention_heads=16,
            num_key_value_heads=16,
            vocab_size=151936,
            max_position_embeddings=8192,
            num_experts=60,
            num_experts_per_tok=4,
            moe_intermediate_size=1408,
            shared_expert_intermediate_size=5632,
            max_window_layers=21,
        ),
    ),
}

# The untied LM heads of the Llama, Mistral and mixture-of-experts families.
for _name, (_kind, _kwargs) in _REGISTRY.items():
    if _kind in ("llama", "mistral", "mixtral", "qwen2_moe"):
        _kwargs.setdefault("tie_word_embeddings", False)


def registry_names() -> list[str]:
    """The names :func:`registry_config` knows, in a stable order."""
    return list(_REGISTRY)


def registry_dict(name: str) -> dict[str, Any]:
    """The keys of a registered architecture's ``config.json`` (``KeyError`` if unknown)."""
    model_type, kwargs = _REGISTRY[name.lower()]
    return {"model_type": model_type, **kwargs}


def registry_config(name: str):
    """The ``transformers`` config of a registered architecture (``KeyError`` if unknown)."""
    from transformers import AutoConfig

    model_type, kwargs = _REGISTRY[name.lower()]
    return AutoConfig.for_model(model_type, **kwargs)


def tiny_configs() -> dict:
    """Small models of each family we model, with the structure of the real ones: small
    enough to measure a training step's peak on a CPU in seconds. Used by the validation
    tests, pages and bench.

    - ``gpt2``: GPT-2 without dropout (as the validation measures it), ``gpt2-dropout``: with
      GPT-2's default dropout, 0.1; ``llama``: grouped-query attention, untied head;
    - ``mixtral``: 4 experts, 2 per token; ``qwen2-moe``: 8 experts, 2 per token, a shared
      expert, and a dense middle block (``mlp_only_layers``);
    - ``mistral``: a sliding window of 48 positions on every block; ``qwen2-hybrid``:
      the window on every other block, the others global (Gemma 2's alternation).
    """
    from transformers import (
        GPT2Config,
        LlamaConfig,
        MistralConfig,
        MixtralConfig,
        Qwen2Config,
        Qwen2MoeConfig,
    )

    llama = dict(
        hidden_size=128,
        intermediate_size=352,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        vocab_size=1000,
        max_position_embeddings=512,
        tie_word_embeddings=False,
    )
    gpt2 = dict(n_embd=128, n_layer=2, n_head=4, vocab_size=1000, n_positions=512)
    no_dropout = dict(resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    return {
        "gpt2": GPT2Config(**gpt2, **no_dropout),
        "gpt2-dropout": GPT2Config(**gpt2),
        "llama": LlamaConfig(**llama),
        "mixtral": MixtralConfig(
            **{**llama, "intermediate_size": 256}, num_local_experts=4, num_experts_per_tok=2
        ),
        "qwen2-moe": Qwen2MoeConfig(
            **{**llama, "num_hidden_layers": 3},
            num_experts=8,
            num_experts_per_tok=2,
            moe_intermediate_size=96,
            shared_expert_intermediate_size=256,
            mlp_only_layers=[1],
        ),
        "mistral": MistralConfig(**llama, sliding_window=48),
        "qwen2-hybrid": Qwen2Config(
            **{**llama, "num_hidden_layers": 4},
            use_sliding_window=True,
            sliding_window=48,
            layer_types=["sliding_attention", "full_attention"] * 2,
        ),
    }


def held_out_configs() -> dict:
    """Models the memory formulas were not fitted on (issue 19), shared by the out-of-sample
    tests: other widths, depths, vocabularies and head layouts, in both families.

    The formulas were read off two 2-block models of width 128 (``tiny_configs()``: GPT-2 with
    4 heads, Llama with 4 heads and 2 key/value heads, vocabulary 1,000). These differ in
    every size: 1 to 4 blocks, widths 64 to 192, heads of 16 to 64 dimensions, multi-head,
    grouped-query and multi-query attention, vocabularies of
    1,500 to 5,000 (an odd one), a tied Llama head, GPT-2 with the exact GELU, and Qwen2
    (biases on q, k, v).

    Dropout is off (``measure_training_peak`` switches it off anyway).
    """
    from transformers import GPT2Config, LlamaConfig, Qwen2Config

    no_dropout = dict(resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    llama = dict(max_position_embeddings=512, tie_word_embeddings=False)
    return {
        "gpt2-3x96": GPT2Config(
            n_embd=96, n_layer=3, n_head=6, vocab_size=1500, n_positions=256, **no_dropout
        ),
        "gpt2-1x192-gelu": GPT2Config(
            n_embd=192,
            n_layer=1,
            n_head=3,
            vocab_size=3001,
            n_positions=512,
            activation_function="gelu",
            **no_dropout,
        ),
        "llama-3x96-mha": LlamaConfig(
            hidden_size=96,
            intermediate_size=256,
            num_hidden_layers=3,
            num_attention_heads=6,
            num_key_value_heads=6,
            vocab_size=1500,
            **llama,
        ),
        "llama-2x192-mqa": LlamaConfig(
            hidden_size=192,
            intermediate_size=512,
            num_hidden_layers=2,
            num_attention_heads=6,
            num_key_value_heads=1,
            vocab_size=3001,
            **llama,
        ),
        "llama-4x64-tied": LlamaConfig(
            hidden_size=64,
            intermediate_size=160,
            num_hidden_layers=4,
            num_attention_heads=2,
            num_key_value_heads=1,
            vocab_size=5000,
            max_position_embeddings=512,
            tie_word_embeddings=True,
        ),
        "qwen2-2x128": Qwen2Config(
            hidden_size=128,
            intermediate_size=320,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            vocab_size=2000,
            use_sliding_window=False,
            **llama,
        ),
    }


def named_config(name: str):
    """A registry config by name, or one of :func:`tiny_configs` as ``tiny-gpt2``,
    ``tiny-llama``...: how GPU datasets and their dry runs name the models they measured."""
    if name.startswith("tiny-"):
        return tiny_configs()[name.removeprefix("tiny-")]
    return registry_config(name)
