"""One setting, one answer: each column of an estimate equals the public helper of its name.

Issue 8: ``activation_bytes`` ignored the CUDA attention fallback that ``estimate_training``
applies, so one page showed 28.6 GB and 78.45 GB of activations for the same setting. Here
every column of ``estimate_training`` and ``estimate_inference`` is checked against its
helper, and against the helpers' plain formulas where they have one, over a grid of
settings: registry models (grouped-query attention or not), fp32/bf16/mixed, SDPA/eager,
CPU/CUDA, recomputation on/off.
"""

import itertools

import pytest

import genai_docs.memory as memory
from genai_docs.memory import (
    InferenceConfig,
    TrainingConfig,
    estimate_inference,
    estimate_training,
    model_shape,
    registry_names,
)
from genai_docs.memory.activations import effective_attention

HELPERS = {
    "weights": memory.weight_bytes,
    "gradients": memory.gradient_bytes,
    "optimizer": memory.optimizer_bytes,
    "activations": memory.activation_bytes,
    "kv_cache": memory.kv_cache_bytes,
    "logits": memory.logit_bytes,
    "temporaries": memory.temporary_bytes,
    "weight_copies": memory.weight_copy_bytes,
}
SHAPES = {name: model_shape(name) for name in registry_names()}
DECODERS = [name for name, shape in SHAPES.items() if shape.family != "other"]


def _training_grid():
    for name, precision, attention, device, recompute, (batch, seq) in itertools.product(
        DECODERS,
        ("fp32", "bf16", "mixed"),
        ("sdpa", "eager"),
        ("cpu", "cuda"),
        ("none", "full"),
        ((1, 128), (4, 2048)),
    ):
        yield (
            name,
            TrainingConfig(batch, seq, precision, "adamw", recompute, attention, device=device),
        )


def _inference_grid():
    for name, dtype, attention, device, sampling, (batch, seq, new) in itertools.product(
        SHAPES,
        ("fp32", "bf16", "int4"),
        ("sdpa", "eager"),
        ("cpu", "cuda"),
        (False, True),
        ((1, 2048, 1), (8, 512, 512), (64, 16, 4096)),
    ):
        yield name, InferenceConfig(batch, seq, new, dtype, attention, device, sampling)


def test_the_grids_cover_what_the_issue_names():
    gqa = {SHAPES[name].n_kv_head != SHAPES[name].n_head for name in DECODERS}
    assert gqa == {True, False}
    fallbacks = {
        effective_attention(SHAPES[name], cfg) != cfg.attention for name, cfg in _training_grid()
    }
    assert fallbacks == {True, False}  # the CUDA fallback happens in the grid, and not always


@pytest.mark.parametrize("name", DECODERS)
def test_training_columns_equal_their_helpers(name):
    shape = SHAPES[name]
    for _, cfg in filter(lambda case: case[0] == name, _training_grid()):
        estimate = estimate_training(shape, cfg)
        assert set(estimate.breakdown) <= set(HELPERS)
        for part, value in estimate.breakdown.items():
            if part == "kv_cache":
                continue
            assert HELPERS[part](shape, cfg) == value, (part, cfg)
        # the plain formulas, with the setting's numbers, give the same model states
        states = estimate.setting["sharded_states"]
        stepped = shape.params  # no ZeRO, no LoRA here
        assert estimate.breakdown["optimizer"] == memory.optimizer_bytes(
            stepped, cfg.optimizer, cfg.precision
        )
        assert states["weights"] == memory.weight_bytes(
            shape, "bf16" if cfg.precision == "bf16" else "fp32"
        )


@pytest.mark.parametrize("name", list(SHAPES))
def test_inference_columns_equal_their_helpers(name):
    shape = SHAPES[name]
    for _, cfg in filter(lambda case: case[0] == name, _inference_grid()):
        estimate = estimate_inference(shape, cfg)
        for part, value in estimate.breakdown.items():
            assert HELPERS[part](shape, cfg) == value, (part, cfg)
        # the plain formulas: weights in their format, the cache of the moment's positions
        assert estimate.breakdown["weights"] == memory.weight_bytes(shape, cfg.dtype)
        prefill = estimate.setting["peak_at"].startswith("prefill")
        positions = cfg.seq_len if prefill else cfg.cached_tokens
        assert estimate.breakdown["kv_cache"] == memory.kv_cache_bytes(
            shape, positions, cfg.batch_size, cfg.dtype
        )


def test_issue_8_setting_gives_one_activation_figure():
    """TinyLlama, fp32, 4 × 2048 on CUDA: SDPA falls back to the math kernel (scores kept)."""
    shape = SHAPES["tinyllama-1.1b"]
    cuda = TrainingConfig(4, 2048, "fp32")
    estimate = estimate_training(shape, cuda)
    assert estimate.setting["peak_at"] == "backward_start"
    assert memory.activation_bytes(shape, cuda) == estimate.breakdown["activations"]
    eager = TrainingConfig(4, 2048, "fp32", attention="eager")
    assert memory.activation_bytes(shape, cuda) == memory.activation_bytes(shape, eager)
    # on CPU the fused kernel runs: fewer activations, and the helper follows
    cpu = TrainingConfig(4, 2048, "fp32", device="cpu")
    assert memory.activation_bytes(shape, cpu) < memory.activation_bytes(shape, cuda)
    assert (
        memory.activation_bytes(shape, cpu)
        == estimate_training(shape, cpu).breakdown["activations"]
    )


def test_helpers_refuse_what_is_not_a_setting():
    with pytest.raises(TypeError):
        memory.activation_bytes(SHAPES["gpt2"], {"batch_size": 4})
