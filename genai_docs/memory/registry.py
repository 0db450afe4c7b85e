"""Well-known architectures, defined by their ``transformers`` configs (nothing downloaded).

The hyper-parameters are the published ones (each model's ``config.json`` on the Hugging
Face Hub); only the shapes matter here, since parameters are counted on the meta device.
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
}

# The untied LM heads of the Llama/Mistral families.
for _name, (_kind, _kwargs) in _REGISTRY.items():
    if _kind in ("llama", "mistral"):
        _kwargs.setdefault("tie_word_embeddings", False)


def registry_names() -> list[str]:
    """The names :func:`registry_config` knows, in a stable order."""
    return list(_REGISTRY)


def registry_config(name: str):
    """The ``transformers`` config of a registered architecture (``KeyError`` if unknown)."""
    from transformers import AutoConfig

    model_type, kwargs = _REGISTRY[name.lower()]
    return AutoConfig.for_model(model_type, **kwargs)


def tiny_configs() -> dict:
    """A GPT-2 and a Llama of a few hundred thousand parameters, with the structure of the
    real ones (Llama: grouped-query attention, untied head): small enough to measure a
    training step's peak on a CPU in seconds. Used by the validation tests, page and bench.
    """
    from transformers import GPT2Config, LlamaConfig

    return {
        "gpt2": GPT2Config(n_embd=128, n_layer=2, n_head=4, vocab_size=1000, n_positions=512),
        "llama": LlamaConfig(
            hidden_size=128,
            intermediate_size=352,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            vocab_size=1000,
            max_position_embeddings=512,
            tie_word_embeddings=False,
        ),
    }


def named_config(name: str):
    """A registry config by name, or one of :func:`tiny_configs` as ``tiny-gpt2``,
    ``tiny-llama``: how GPU datasets and their dry runs name the models they measured."""
    if name.startswith("tiny-"):
        return tiny_configs()[name.removeprefix("tiny-")]
    return registry_config(name)
