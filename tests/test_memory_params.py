"""Exact parameter counts and the registry: formulas, against the meta device as oracle."""

import json
import subprocess
import sys

import pytest

from genai_docs.errors import UsageError
from genai_docs.memory import (
    count_parameters,
    format_bytes,
    meta_shape,
    model_shape,
    registry_names,
    tiny_configs,
)


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
            dropout=(config.embd_pdrop, config.resid_pdrop, config.attn_pdrop),
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
        # Mistral's window on every block
        window=getattr(config, "sliding_window", None) or 0,
        window_layers=config.num_hidden_layers if getattr(config, "sliding_window", None) else 0,
    )


_DECODERS = [n for n in registry_names() if model_shape(n).family in ("gpt2", "llama")]


def test_the_registry_has_every_family_we_model():
    from genai_docs.memory import registry_config

    kinds = {registry_config(name).model_type for name in _DECODERS}
    assert kinds == {"gpt2", "llama", "mistral", "mixtral", "qwen2_moe"}


_DENSE = [n for n in _DECODERS if not model_shape(n).n_experts]


@pytest.mark.parametrize("name", _DENSE)
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


# ----------------------------------------------------------------------------------------
# Formulas against the meta device: every field, every registry and test config.


def _test_configs():
    """The tiny configs, and variants that exercise every key the formulas read."""
    from transformers import GPT2Config, LlamaConfig, MistralConfig, Qwen2Config, Qwen2MoeConfig

    small = dict(hidden_size=64, intermediate_size=96, num_hidden_layers=3, vocab_size=101)
    small.update(num_attention_heads=4, num_key_value_heads=2)
    return {
        **tiny_configs(),
        "gpt2-untied-inner": GPT2Config(
            n_embd=64, n_layer=2, n_head=4, n_inner=100, vocab_size=99, tie_word_embeddings=False
        ),
        "llama-biases-head-dim": LlamaConfig(
            **small, head_dim=24, attention_bias=True, mlp_bias=True, attention_dropout=0.1
        ),
        "llama-tied": LlamaConfig(**small, tie_word_embeddings=True),
        "mistral-no-window": MistralConfig(**small, sliding_window=None),
        "qwen2-window-from-layer-1": Qwen2Config(
            **small, use_sliding_window=True, sliding_window=16, max_window_layers=1
        ),
        "qwen2-moe-sparse-step": Qwen2MoeConfig(
            **small,
            num_experts=6,
            num_experts_per_tok=3,
            moe_intermediate_size=40,
            shared_expert_intermediate_size=72,
            decoder_sparse_step=2,
            norm_topk_prob=True,
        ),
        "qwen2-moe-window": Qwen2MoeConfig(
            **small,
            num_experts=4,
            num_experts_per_tok=2,
            moe_intermediate_size=40,
            use_sliding_window=True,
            sliding_window=8,
            max_window_layers=2,
        ),
    }


@pytest.mark.parametrize("name", registry_names())
def test_formulas_equal_the_meta_device_on_the_registry(name):
    assert model_shape(name) == meta_shape(name)


@pytest.mark.parametrize("name", list(_test_configs()))
def test_formulas_equal_the_meta_device_on_test_configs(name):
    config = _test_configs()[name]
    assert model_shape(config, name) == meta_shape(config, name)
    # and through a config.json written by transformers, as a user would pass it
    assert model_shape(config.to_dict() | {"model_type": config.model_type}, name) == (
        meta_shape(config, name)
    )


def test_the_test_configs_cover_every_structure():
    shapes = [model_shape(c, n) for n, c in _test_configs().items()]
    assert {s.family for s in shapes} == {"gpt2", "llama"}
    assert any(s.n_experts and s.d_shared for s in shapes)  # Qwen2-MoE's shared expert
    assert any(s.n_experts and not s.d_shared for s in shapes)  # Mixtral
    assert any(0 < s.moe_layers < s.n_layer for s in shapes)  # dense and sparse blocks
    assert any(s.window and s.window_layers == s.n_layer for s in shapes)  # Mistral
    assert any(0 < s.window_layers < s.n_layer for s in shapes)  # local/global alternation
    assert any(s.has_dropout for s in shapes) and any(not s.has_dropout for s in shapes)


@pytest.mark.parametrize(
    "model_type", ["gpt2", "llama", "mistral", "qwen2", "mixtral", "qwen2_moe"]
)
def test_the_defaults_are_those_of_the_config_classes(model_type):
    from transformers import AutoConfig

    from genai_docs.memory.configs import DEFAULTS

    config = AutoConfig.for_model(model_type)
    for key, value in DEFAULTS[model_type].items():
        if key in ("layer_types", "mlp_only_layers", "sliding_window", "num_key_value_heads"):
            continue  # derived in __post_init__ (tested through the shapes above)
        if key == "head_dim":
            continue
        assert getattr(config, key) == value, key


def test_published_totals_of_the_mixtures_of_experts():
    # Mistral AI, "Mixtral of experts" (2023): 46.7 billion parameters, 12.9 billion per token
    mixtral = model_shape("mixtral-8x7b")
    assert round(mixtral.params / 1e9, 1) == 46.7
    assert round(mixtral.active_params / 1e9, 1) == 12.9
    # Qwen team, "Qwen1.5-MoE" (2024): 14.3 billion parameters, 2.7 billion activated
    qwen = model_shape("qwen1.5-moe-a2.7b")
    assert round(qwen.params / 1e9, 1) == 14.3
    assert round(qwen.active_params / 1e9, 1) == 2.7
    # a dense model uses all its parameters
    assert model_shape("llama-2-7b").active_params == model_shape("llama-2-7b").params


def test_mistral_has_its_window_and_llama_none():
    assert (model_shape("mistral-7b").window, model_shape("mistral-7b").window_layers) == (4096, 32)
    assert model_shape("llama-2-7b").window == 0


def test_dropout_comes_from_the_config():
    assert model_shape("gpt2").resid_dropout == 0.1  # GPT2Config's defaults
    assert not model_shape("gpt2").without_dropout().has_dropout
    assert not model_shape("llama-2-7b").has_dropout


def test_a_cold_process_answers_without_torch(tmp_path):
    """The formula path imports neither torch nor transformers (registry names and the
    config.json of each family); BERT still goes through the meta device."""
    configs = {n: c for n, c in _test_configs().items() if n in ("mixtral", "qwen2-moe")}
    paths = []
    for name, config in configs.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(config.to_dict() | {"model_type": config.model_type}))
        paths.append(str(path))
    code = (
        "import sys\n"
        "from genai_docs.cli import main\n"
        f"for model in {[*registry_names(), *paths]!r}:\n"
        "    if model in ('bert-base', 't5-small'): continue\n"
        "    assert main(['memory', model, '--json']) == 0\n"
        "    assert main(['memory', model, '--train', '--json']) == 0\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers'))\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("HEAVY []"), proc.stdout[-500:]


def test_encoders_and_encoder_decoders_on_the_meta_device():
    """Issue 19: what the meta path reads for families without formulas, against published
    counts (Hugging Face's t5-small, 60,506,624; bert-base-uncased with its masked-LM head,
    109,514,298) and hand counts: T5-small has 6 encoder blocks (q, k, v, o: 4 × 512²; the
    feed-forward 2 × 512 × 2048) and 6 decoder blocks (with cross-attention, 4 × 512²
    more); BERT-base 12 blocks (4 × 768², 2 × 768 × 3072) and the head's 768² transform."""
    t5 = meta_shape("t5-small")
    assert (t5.params, t5.family, t5.n_layer, t5.n_head, t5.n_kv_head) == (
        60_506_624,
        "other",
        12,
        8,
        8,
    )
    assert (t5.d_model, t5.d_ff, t5.vocab_size, t5.head_dim, t5.activation) == (
        512,
        2048,
        32128,
        64,
        "relu",
    )
    assert t5.linear_params == 6 * (4 * 512**2 + 2 * 512 * 2048) + 6 * (8 * 512**2 + 2 * 512 * 2048)
    assert (t5.head_params, t5.name) == (0, "t5-small")  # tied to the embedding
    bert = meta_shape("bert-base")
    assert (bert.params, bert.n_layer, bert.n_head, bert.d_model, bert.d_ff) == (
        109_514_298,
        12,
        12,
        768,
        3072,
    )
    assert (bert.vocab_size, bert.head_dim, bert.activation, bert.max_positions) == (
        30522,
        64,
        "gelu",
        512,
    )
    assert bert.linear_params == 12 * (4 * 768**2 + 2 * 768 * 3072) + 768**2
    # t5-small's sizes hide three readings (d_ff = 4·d, d_kv = d / h, as many decoder blocks
    # as encoder blocks): a T5 where none holds. Encoder block: q, k, v 64 -> 4·8 = 32, o back
    # (4 × 64 × 32), feed-forward 2 × 64 × 96; a decoder block adds cross-attention.
    from transformers import T5Config

    odd = T5Config(
        vocab_size=100, d_model=64, d_ff=96, d_kv=8, num_heads=4, num_layers=2, num_decoder_layers=3
    )
    shape = meta_shape(odd)
    assert (shape.n_layer, shape.d_ff, shape.head_dim, shape.name) == (5, 96, 8, "t5")
    attention, mlp = 4 * 64 * 32, 2 * 64 * 96
    assert shape.linear_params == 2 * (attention + mlp) + 3 * (2 * attention + mlp)


def test_load_config_takes_every_form_of_a_model(tmp_path):
    from transformers import GPT2Config, LlamaConfig

    from genai_docs.errors import UsageError
    from genai_docs.memory import load_config

    config = GPT2Config(n_layer=2)
    assert load_config(config) is config
    assert load_config("GPT2").n_layer == 12  # a registry name, any case
    sizes = {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 2}
    from_dict = load_config(dict(sizes))
    assert isinstance(from_dict, LlamaConfig) and from_dict.hidden_size == 64
    (tmp_path / "config.json").write_text(json.dumps(sizes), encoding="utf-8")
    assert load_config(tmp_path).hidden_size == 64  # a folder holding a config.json
    for bad in ({"model_type": "no-such-type"}, {"model_type": "llama", "rope_scaling": 3}):
        with pytest.raises(UsageError, match="invalid config"):
            load_config(bad)
