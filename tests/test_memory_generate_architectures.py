"""``model.generate`` of mixtures of experts and sliding windows against ``MemTracker``
(issue 16): the experts' working set in the prefill, and the cache ``transformers`` really
keeps (``DynamicSlidingWindowLayer``: ``min(T, w)`` positions once decoding, the prompt's
``S`` just after the prefill). Gates (issue 19, :mod:`genai_docs.memory.validation`): each
case within its bound (twice the error observed when it was set, at least 1 %), the median
within 0.5 %; a uniform 2 % change of the predictions fails them.
"""

import pytest
from gates import gate_tests

from genai_docs.memory import (
    InferenceConfig,
    estimate_inference,
    kv_cache_bytes,
    measure_generate_peak,
    model_shape,
    tiny_configs,
)

# (architecture, batch, prompt tokens, new tokens, dtype, attention, sampling)
CASES = [
    ("mixtral", 4, 128, 4, "fp32", "sdpa", False),
    ("mixtral", 2, 64, 16, "bf16", "eager", True),
    ("mixtral", 32, 2, 12, "fp32", "sdpa", False),
    ("qwen2-moe", 4, 128, 4, "fp32", "sdpa", False),
    ("qwen2-moe", 8, 32, 8, "bf16", "sdpa", True),
    ("qwen2-moe", 32, 2, 12, "bf16", "sdpa", False),
    # windows of 48 positions: a prompt beyond it, then a generation that fills it
    ("mistral", 2, 128, 8, "fp32", "sdpa", False),
    ("mistral", 16, 2, 50, "bf16", "sdpa", False),
    ("qwen2-hybrid", 2, 128, 8, "fp32", "sdpa", False),
    ("qwen2-hybrid", 8, 2, 50, "bf16", "eager", False),
]


@pytest.fixture(scope="module")
def results():
    configs = tiny_configs()
    out = {}
    for case in CASES:
        name, batch, prompt, new, dtype, attention, sampling = case
        cfg = InferenceConfig(batch, prompt, new, dtype, attention, "cpu", sampling)
        measured = measure_generate_peak(configs[name], cfg)["peak"]
        out[case] = (estimate_inference(model_shape(configs[name], name), cfg), measured)
    return out


# bound per case: twice |error| observed when set (issue 19), at least 1 %
BOUNDS = {
    **dict.fromkeys(CASES, 0.01),
    ("mixtral", 2, 64, 16, "bf16", "eager", True): 0.041,  # -2.03 %
    ("mixtral", 32, 2, 12, "fp32", "sdpa", False): 0.042,  # -2.10 %
}
MEDIAN_BOUND = 0.005


@pytest.fixture(scope="module")
def errors(results):
    return {case: e.total_bytes / m - 1 for case, (e, m) in results.items()}


test_table_of_errors_within_the_gates, test_a_uniform_2_percent_regression_fails = gate_tests(
    BOUNDS, MEDIAN_BOUND
)


def test_both_phases_are_validated(results):
    moments = {e.setting["peak_at"].split("_")[0] for e, _ in results.values()}
    assert moments == {"prefill", "decode"}


def test_the_window_caps_what_decoding_keeps():
    # Mistral 7B's 4,096 positions: beyond them, the cache stops growing (32 blocks, 8
    # key/value heads of 128, fp16: 131,072 bytes per position)
    mistral = model_shape("mistral-7b")
    assert kv_cache_bytes(mistral, 4096, 1) == 4096 * 131072
    assert kv_cache_bytes(mistral, 32768, 1) == kv_cache_bytes(mistral, 4096, 1)
    # half the blocks windowed: half the cache grows
    hybrid = model_shape(tiny_configs()["qwen2-hybrid"])
    full = hybrid.n_layer - hybrid.window_layers
    per_position = 2 * hybrid.d_kv * 2
    assert kv_cache_bytes(hybrid, 1000, 1) == per_position * (full * 1000 + 2 * 48)


def test_experts_weigh_what_is_stored_not_what_is_used():
    """Mixtral's weights are all in memory: 46.7 billion parameters in bf16."""
    shape = model_shape("mixtral-8x7b")
    estimate = estimate_inference(shape, InferenceConfig(1, 512, dtype="bf16"))
    assert estimate.breakdown["weights"] == 2 * shape.params > 4 * shape.active_params
