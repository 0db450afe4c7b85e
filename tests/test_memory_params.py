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
