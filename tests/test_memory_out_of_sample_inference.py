"""Inference peaks of models the formulas were not fitted on (issue 19): ``model.generate``
in fp32, bf16 and int8 weights, greedy and sampling, fused and eager attention; and one
forward pass that returns every position's logits (:func:`estimate_forward`).

int8: every matrix of the blocks stored as int8 with one scale per row, multiplied by
PyTorch's fused int8 weight-only kernel, the rest in fp16
(:func:`genai_docs.memory.measure.quantize_int8_weights`). Gates as in
``test_memory_out_of_sample.py`` (:mod:`genai_docs.memory.validation`). The table::

    .venv/bin/pytest -s -q tests/test_memory_out_of_sample_inference.py -k table
"""

import pytest
from gates import gate_tests

from genai_docs.memory import (
    InferenceConfig,
    estimate_forward,
    estimate_inference,
    measure_forward_peak,
    measure_generate_peak,
    model_shape,
)
from genai_docs.memory.registry import held_out_configs

# (kind, model, batch, prompt, new tokens, dtype, attention, sampling): bound
BOUNDS = {
    ("generate", "gpt2-3x96", 2, 64, 16, "fp32", "sdpa", False): 0.01,
    ("generate", "gpt2-1x192-gelu", 4, 96, 4, "bf16", "eager", True): 0.01,
    ("generate", "llama-3x96-mha", 16, 4, 24, "fp32", "eager", False): 0.01,
    ("generate", "llama-2x192-mqa", 2, 128, 8, "bf16", "sdpa", True): 0.01,
    ("generate", "llama-4x64-tied", 4, 64, 8, "fp32", "sdpa", False): 0.01,
    ("generate", "qwen2-2x128", 8, 32, 8, "bf16", "sdpa", False): 0.01,
    # int8 weights: the blocks' matrices in int8 (with their scales), the rest in fp16
    ("generate", "gpt2-3x96", 2, 64, 8, "int8", "sdpa", False): 0.01,
    ("generate", "llama-3x96-mha", 2, 64, 8, "int8", "sdpa", False): 0.01,
    ("generate", "llama-2x192-mqa", 4, 32, 16, "int8", "eager", False): 0.025,
    ("generate", "qwen2-2x128", 2, 64, 8, "int8", "sdpa", True): 0.01,
    # one forward pass, the logits of every position
    ("forward", "gpt2-3x96", 2, 128, 1, "fp32", "sdpa", False): 0.021,
    ("forward", "gpt2-3x96", 2, 128, 1, "fp32", "eager", False): 0.017,
    ("forward", "llama-3x96-mha", 2, 128, 1, "fp32", "sdpa", False): 0.01,
    ("forward", "llama-2x192-mqa", 4, 64, 1, "bf16", "eager", False): 0.01,
    ("forward", "llama-4x64-tied", 4, 128, 1, "fp32", "sdpa", False): 0.01,
    ("forward", "qwen2-2x128", 2, 128, 1, "int8", "sdpa", False): 0.01,
}
MEDIAN_BOUND = 0.005


def _config(case) -> InferenceConfig:
    _, _, batch, prompt, new, dtype, attention, sampling = case
    return InferenceConfig(batch, prompt, new, dtype, attention, "cpu", sampling)


def _predicted(case) -> int:
    shape = model_shape(held_out_configs()[case[1]], case[1])
    cfg = _config(case)
    if case[0] == "forward":
        args = (cfg.batch_size, cfg.seq_len, cfg.dtype, cfg.attention, cfg.device)
        return estimate_forward(shape, *args).total_bytes
    return estimate_inference(shape, cfg).total_bytes


@pytest.fixture(scope="module")
def errors():
    configs = held_out_configs()
    result = {}
    for case in BOUNDS:
        measure = measure_forward_peak if case[0] == "forward" else measure_generate_peak
        measured = measure(configs[case[1]], _config(case))["peak"]
        result[case] = _predicted(case) / measured - 1
    return result


test_table_of_errors_within_the_gates, test_a_uniform_2_percent_regression_fails = gate_tests(
    BOUNDS, MEDIAN_BOUND
)


def test_the_matrix_covers_every_inference_option():
    cases = list(BOUNDS)
    generate = [c for c in cases if c[0] == "generate"]
    assert {c[5] for c in generate} == {"fp32", "bf16", "int8"}
    assert {c[6] for c in generate} == {"sdpa", "eager"} and {c[7] for c in generate} == {
        True,
        False,
    }
    forward = [c for c in cases if c[0] == "forward"]
    assert {c[6] for c in forward} == {"sdpa", "eager"}
    assert {c[5] for c in forward} == {"fp32", "bf16", "int8"}


def test_int8_weights_are_what_the_formula_stores():
    """The measured weights of an int8 model: int8 matrices, one scale per row, the rest."""
    import torch

    from genai_docs.memory import weight_bytes
    from genai_docs.memory.measure import build_generator

    config = held_out_configs()["llama-3x96-mha"]
    model = build_generator(config, InferenceConfig(dtype="int8", device="cpu"))
    stored = sum(t.numel() * t.element_size() for t in [*model.parameters(), *model.buffers()])
    stored -= sum(b.numel() * b.element_size() for n, b in model.named_buffers() if "rotary" in n)
    int8 = sum(b.numel() for b in model.buffers() if b.dtype == torch.int8)
    shape = model_shape(config)
    assert int8 == shape.linear_params
    assert stored == weight_bytes(shape, "int8")
