"""Exact parameter counts and the registry (meta device, nothing downloaded)."""

import json

import pytest

from genai_docs.errors import UsageError
from genai_docs.memory import count_parameters, format_bytes, model_shape, registry_names


def test_gpt2_oracle():
    # GPT-2 small as published: the LM head is tied to the embedding and counted once.
    assert count_parameters("gpt2") == 124_439_808


def test_llama2_7b_oracle():
    # Llama-2-7B as published: untied LM head included.
    assert count_parameters("llama-2-7b") == 6_738_415_616


@pytest.mark.parametrize("name", registry_names())
def test_registry_builds_and_shapes_are_consistent(name):
    shape = model_shape(name)
    assert shape.params == sum(_numel(s) for s in shape.param_shapes), (
        "the shapes list every parameter once"
    )
    assert 0 < shape.linear_params < shape.params
    assert shape.n_head % shape.n_kv_head == 0


def _numel(shape):
    n = 1
    for size in shape:
        n *= size
    return n


def test_config_json_path_matches_registry(tmp_path):
    from genai_docs.memory import registry_config

    path = tmp_path / "config.json"
    path.write_text(json.dumps(registry_config("tinyllama-1.1b").to_dict()), encoding="utf-8")
    assert count_parameters(str(path)) == count_parameters("tinyllama-1.1b")
    assert count_parameters(str(tmp_path)) == count_parameters("tinyllama-1.1b")  # a folder


def test_grouped_query_attention_shapes():
    llama3 = model_shape("llama-3-8b")
    assert (llama3.n_head, llama3.n_kv_head, llama3.d_kv) == (32, 8, 1024)
    assert llama3.head_params == 128256 * 4096  # untied head


@pytest.mark.parametrize(
    "content, message",
    [("{", "cannot read"), ('{"n_embd": 8}', "model_type"), ("[1, 2]", "model_type")],
)
def test_bad_config_files(tmp_path, content, message):
    path = tmp_path / "config.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        count_parameters(str(path))


def test_unknown_model():
    with pytest.raises(UsageError, match="unknown model"):
        count_parameters("no-such-model")


def test_french_units():
    assert format_bytes(4 * 10**9) == "4,00\u00a0Go"
    assert format_bytes(2**30, "Gio") == "1,00\u00a0Gio"
    assert format_bytes(1234 * 10**9) == "1\u202f234,00\u00a0Go"
    with pytest.raises(ValueError):
        format_bytes(1, "GB")


def _sizes(config) -> dict:
    """The arguments of ``shape_from_sizes`` read off a GPT-2 or Llama/Mistral config."""
    if config.model_type == "gpt2":
        return dict(
            family="gpt2",
            n_layer=config.n_layer,
            d_model=config.n_embd,
            n_head=config.n_head,
            d_ff=config.n_inner or 4 * config.n_embd,
            vocab_size=config.vocab_size,
            max_positions=config.n_positions,
            tied_embeddings=config.tie_word_embeddings,
        )
    return dict(
        family="llama",
        n_layer=config.num_hidden_layers,
        d_model=config.hidden_size,
        n_head=config.num_attention_heads,
        n_kv_head=config.num_key_value_heads,
        d_ff=config.intermediate_size,
        vocab_size=config.vocab_size,
        max_positions=config.max_position_embeddings,
        tied_embeddings=config.tie_word_embeddings,
    )


_DECODERS = [n for n in registry_names() if model_shape(n).family in ("gpt2", "llama")]


def test_the_registry_has_gpt2_llama_and_mistral_decoders():
    from genai_docs.memory import registry_config

    kinds = {registry_config(name).model_type for name in _DECODERS}
    assert kinds == {"gpt2", "llama", "mistral"}


@pytest.mark.parametrize("name", _DECODERS)
def test_shape_from_sizes_is_model_shape_of_the_registry(name):
    from genai_docs.memory import registry_config, shape_from_sizes

    expected = model_shape(name)
    assert shape_from_sizes(**_sizes(registry_config(name)), name=name) == expected


@pytest.mark.parametrize("kind", ["gpt2", "llama"])
@pytest.mark.parametrize("tied", [True, False])
def test_shape_from_sizes_is_model_shape_of_the_tiny_configs(kind, tied):
    # both head settings: GPT-2 ties its head by default, Llama does not
    from genai_docs.memory import shape_from_sizes, tiny_configs

    config = tiny_configs()[kind]
    config.tie_word_embeddings = tied
    expected = model_shape(config)
    assert shape_from_sizes(**_sizes(config), name=config.model_type) == expected
    assert (expected.head_params == 0) is tied


def test_shape_from_sizes_defaults_follow_the_families():
    from genai_docs.memory import shape_from_sizes

    gpt2 = shape_from_sizes("gpt2", n_layer=12, d_model=768, n_head=12, d_ff=3072, vocab_size=50257)
    assert (gpt2.params, gpt2.head_params, gpt2.name) == (124_439_808, 0, "gpt2")
    llama = shape_from_sizes(
        "llama", n_layer=32, d_model=4096, n_head=32, d_ff=11008, vocab_size=32000
    )
    assert llama.params == 6_738_415_616  # untied head, as Llama-2-7B
    assert llama.n_kv_head == 32


@pytest.mark.parametrize(
    "family, change, message",
    [
        ("bert", {}, "family must be 'gpt2' or 'llama'"),
        ("gpt2", {"n_layer": 0}, "n_layer must be a positive integer"),
        ("gpt2", {"d_model": -8}, "d_model must be a positive integer"),
        ("gpt2", {"vocab_size": 1.5}, "vocab_size must be a positive integer"),
        ("gpt2", {"n_head": True}, "n_head must be a positive integer"),
        ("gpt2", {"n_head": 5}, r"n_head \(5\) must divide d_model \(128\)"),
        ("gpt2", {"n_kv_head": 2}, "GPT-2 has one key/value head per query head"),
        ("llama", {"n_kv_head": 3}, r"n_kv_head \(3\) must divide n_head \(4\)"),
        ("llama", {"max_positions": 0}, "max_positions must be a positive integer"),
    ],
)
def test_shape_from_sizes_rejects_bad_sizes(family, change, message):
    from genai_docs.memory import shape_from_sizes

    sizes = {**dict(n_layer=2, d_model=128, n_head=4, d_ff=512, vocab_size=1000), **change}
    with pytest.raises(ValueError, match=message):
        shape_from_sizes(family, **sizes)
