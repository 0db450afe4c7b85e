"""What people train with, against ``MemTracker`` on CPU (issue 16): dropout as the config
says, mixtures of experts (Mixtral, Qwen2-MoE with its shared expert), sliding windows.

Each case trains a small model of :func:`genai_docs.memory.tiny_configs` for two steps and
measures the second one's peak; the prediction reads the same config. Gates (issue 19,
:mod:`genai_docs.memory.validation`): each case within its bound (twice the error observed
when it was set, at least 1 %), the median within 0.5 %; a uniform 2 % change of the
predictions fails them. The table: ``pytest -s -q tests/test_memory_architectures.py -k table``.
"""

import pytest
from gates import gate_tests

from genai_docs.memory import (
    TrainingConfig,
    estimate_training,
    measure_training_peak,
    model_shape,
    tiny_configs,
)


def _configs():
    configs = tiny_configs()
    llama = configs["llama"].to_dict()
    configs["llama-dropout"] = configs["llama"].__class__(**{**llama, "attention_dropout": 0.1})
    return configs


# (architecture, batch, seq_len, precision, optimizer, recompute, attention)
CASES = [
    # GPT-2 with its default dropout (0.1): masks, and SDPA's math kernel on CPU
    ("gpt2-dropout", 2, 64, "fp32", "adamw", "none", "sdpa"),
    ("gpt2-dropout", 2, 128, "mixed", "adamw", "none", "sdpa"),
    ("gpt2-dropout", 2, 128, "bf16", "adamw", "none", "sdpa"),
    ("gpt2-dropout", 2, 128, "mixed", "sgd", "none", "eager"),
    ("gpt2-dropout", 2, 128, "fp32", "sgd", "none", "eager"),
    ("gpt2-dropout", 2, 128, "mixed", "sgd", "full", "sdpa"),
    ("llama-dropout", 2, 128, "bf16", "adamw", "none", "sdpa"),
    ("llama-dropout", 2, 128, "mixed", "adamw", "none", "eager"),
    # mixtures of experts: router, dispatch, experts in the weights' dtype
    ("mixtral", 2, 128, "fp32", "adamw", "none", "sdpa"),
    ("mixtral", 2, 128, "mixed", "adamw", "none", "sdpa"),
    ("mixtral", 2, 128, "bf16", "sgd", "none", "eager"),
    ("mixtral", 2, 128, "fp32", "sgd", "full", "sdpa"),
    ("qwen2-moe", 2, 128, "fp32", "adamw", "none", "sdpa"),
    ("qwen2-moe", 2, 128, "mixed", "adamw", "none", "sdpa"),
    ("qwen2-moe", 2, 128, "mixed", "sgd", "none", "eager"),
    ("qwen2-moe", 2, 128, "bf16", "adamw", "full", "sdpa"),
    # sliding windows (48 positions): the window's mask beyond 48 tokens
    ("mistral", 2, 128, "bf16", "adamw", "none", "eager"),
    ("mistral", 2, 128, "fp32", "adamw", "none", "sdpa"),
    ("qwen2-hybrid", 2, 128, "mixed", "adamw", "none", "sdpa"),
]


@pytest.fixture(scope="module")
def errors():
    configs = _configs()
    result = {}
    for case in CASES:
        name, batch, seq, precision, optimizer, recompute, attention = case
        cfg = TrainingConfig(batch, seq, precision, optimizer, recompute, attention, device="cpu")
        measured = measure_training_peak(configs[name], cfg, keep_dropout=True)["peak"]
        predicted = estimate_training(model_shape(configs[name], name), cfg).total_bytes
        result[case] = predicted / measured - 1
    return result


# bound per case: twice |error| observed when set (issue 19), at least 1 %
BOUNDS = {
    **dict.fromkeys(CASES, 0.01),
    ("gpt2-dropout", 2, 128, "mixed", "sgd", "full", "sdpa"): 0.056,  # +2.78 %
    ("mixtral", 2, 128, "fp32", "sgd", "full", "sdpa"): 0.027,  # +1.35 %
    ("mistral", 2, 128, "fp32", "adamw", "none", "sdpa"): 0.063,  # -3.14 %
    ("qwen2-hybrid", 2, 128, "mixed", "adamw", "none", "sdpa"): 0.022,  # -1.08 %
}
MEDIAN_BOUND = 0.005


test_table_of_errors_within_the_gates, test_a_uniform_2_percent_regression_fails = gate_tests(
    BOUNDS, MEDIAN_BOUND
)


def test_the_cases_cover_what_issue_16_names():
    shapes = {name: model_shape(c, name) for name, c in _configs().items()}
    used = {case[0] for case in CASES}
    assert {n for n in used if shapes[n].has_dropout} >= {"gpt2-dropout", "llama-dropout"}
    assert {n for n in used if shapes[n].d_shared} and {
        n for n in used if shapes[n].n_experts and not shapes[n].d_shared
    }
    assert {n for n in used if shapes[n].window}


def test_dropout_is_what_the_issue_measured():
    """Issue 16: with GPT-2's default dropout, the peak was 18 to 29 % above a prediction
    that ignored it. The dropout-free prediction still misses by that much; ours does not."""
    config = tiny_configs()["gpt2-dropout"]
    cfg = TrainingConfig(2, 256, "fp32", "sgd", device="cpu")
    measured = measure_training_peak(config, cfg, keep_dropout=True)["peak"]
    shape = model_shape(config)
    assert estimate_training(shape.without_dropout(), cfg).total_bytes < 0.9 * measured
    assert abs(estimate_training(shape, cfg).total_bytes / measured - 1) <= 0.01
