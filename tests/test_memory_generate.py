"""The ``model.generate`` formulas against PyTorch's ``MemTracker``, on CPU (issue 9).

Gates (issue 19, :mod:`genai_docs.memory.validation`): each case within its bound (twice
the error observed when it was set, at least 1 %), the median within 0.5 %; a uniform 2 %
change of the predictions fails them. The cases cover both families, fp32 and bf16, fused and eager attention,
greedy and sampling, and a peak in the prefill as well as in the decoding (a long
generation from a short prompt, where the grown KV cache dominates).
"""

import pytest
from gates import gate_tests

from genai_docs.memory import (
    InferenceConfig,
    estimate_forward,
    estimate_inference,
    measure_generate_peak,
    model_shape,
    tiny_configs,
)

# (architecture, batch, prompt tokens, new tokens, dtype, attention, sampling)
CASES = [
    ("gpt2", 1, 64, 16, "fp32", "sdpa", False),
    ("gpt2", 2, 256, 4, "fp32", "eager", False),
    ("gpt2", 32, 2, 24, "fp32", "sdpa", False),
    ("llama", 4, 128, 4, "fp32", "sdpa", False),
    ("llama", 2, 256, 4, "bf16", "eager", False),
    ("llama", 32, 2, 24, "bf16", "eager", False),
    ("llama", 8, 32, 4, "bf16", "sdpa", True),
]


def _config(case) -> InferenceConfig:
    _, batch, prompt, new, dtype, attention, sampling = case
    return InferenceConfig(batch, prompt, new, dtype, attention, "cpu", sampling)


@pytest.fixture(scope="module")
def results():
    configs = tiny_configs()
    out = {}
    for case in CASES:
        name, cfg = case[0], _config(case)
        measured = measure_generate_peak(configs[name], cfg)["peak"]
        estimate = estimate_inference(model_shape(configs[name], name), cfg)
        out[case] = (estimate, measured)
    return out


BOUNDS = dict.fromkeys(CASES, 0.01)  # observed at most 0.18 %: the 1 % floor
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


def test_forward_only_estimate_overshoots_generate(results):
    """What issue 9 measured: full-sequence logits are not what ``generate`` holds."""
    configs = tiny_configs()
    case = CASES[3]
    estimate, measured = results[case]
    cfg = _config(case)
    forward = estimate_forward(model_shape(configs[case[0]]), cfg.batch_size, cfg.seq_len, "fp32")
    assert forward.total_bytes > 1.10 * measured > estimate.total_bytes


def test_quantized_weights_cannot_be_measured_here():
    with pytest.raises(ValueError, match="int4"):
        measure_generate_peak(tiny_configs()["gpt2"], InferenceConfig(dtype="int4", device="cpu"))
