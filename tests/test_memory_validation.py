"""The formulas against PyTorch's own memory tracker (``MemTracker``), on CPU.

These two small models are the ones the formulas were read off (in sample);
``test_memory_out_of_sample.py`` measures others. Gates (issue 19,
:mod:`genai_docs.memory.validation`): each case within its bound (twice the error observed
when it was set, at least 1 %), the median within 0.5 %; a uniform 2 % change of the
predictions fails them. The table: ``pytest -s -q tests/test_memory_validation.py -k table``.
The models are measured with their dropout switched off
(``measure_training_peak``'s default) and predicted so (``ModelShape.without_dropout``);
``test_memory_architectures.py`` measures dropout, experts and windows.
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

# (architecture, batch, seq_len, precision, optimizer, recompute, attention)
MATRIX = [
    ("gpt2", 1, 64, "fp32", "adamw", "none", "sdpa"),
    ("gpt2", 4, 256, "fp32", "adamw", "none", "sdpa"),
    ("gpt2", 4, 256, "fp32", "sgd", "none", "eager"),
    ("gpt2", 2, 128, "bf16", "adamw", "none", "sdpa"),
    ("gpt2", 4, 256, "bf16", "sgd", "full", "sdpa"),
    ("gpt2", 1, 64, "fp32", "sgd", "none", "sdpa"),
    ("gpt2", 4, 256, "fp32", "adamw", "full", "eager"),
    ("llama", 1, 64, "fp32", "sgd", "none", "sdpa"),
    ("llama", 4, 256, "fp32", "adamw", "none", "sdpa"),
    ("llama", 2, 256, "bf16", "adamw", "none", "eager"),
    ("llama", 4, 128, "bf16", "sgd", "none", "sdpa"),
    ("llama", 4, 256, "fp32", "adamw", "full", "sdpa"),
    ("llama", 8, 128, "bf16", "adamw", "full", "eager"),
    ("llama", 2, 512, "fp32", "sgd", "none", "eager"),
    # recomputation, small batches: the peak is in the first block's backward, with the
    # gradients of every block above it (was -10.4 % when only the last block was modelled)
    ("llama", 2, 128, "fp32", "sgd", "full", "sdpa"),
    ("gpt2", 2, 128, "fp32", "sgd", "full", "sdpa"),
    # long sequence, eager attention: the peak is the softmax's backward (three score tensors)
    ("llama", 1, 512, "fp32", "sgd", "full", "eager"),
    # pure bf16, vocabulary of 8,000 for a width of 256 (issue 9): the loss's fp32 tensors,
    # 3 · N · V · 4 bytes, are half of the peak
    ("gpt2-wide-vocab", 4, 256, "bf16", "adamw", "none", "sdpa"),
]


def _configs():
    from transformers import GPT2Config

    wide = GPT2Config(n_embd=256, n_layer=4, n_head=4, vocab_size=8000, n_positions=512)
    return {**tiny_configs(), "gpt2-wide-vocab": wide}


@pytest.fixture(scope="module")
def errors():
    configs = _configs()
    shapes = {name: model_shape(config, name).without_dropout() for name, config in configs.items()}
    result = {}
    for case in MATRIX:
        name, batch, seq, precision, optimizer, recompute, attention = case
        cfg = TrainingConfig(batch, seq, precision, optimizer, recompute, attention, device="cpu")
        measured = measure_training_peak(configs[name], cfg)["peak"]
        predicted = estimate_training(shapes[name], cfg).total_bytes
        result[case] = predicted / measured - 1
    return result


# bound per case: twice |error| observed when set (issue 19), at least 1 %; the four
# recomputation cases whose peak falls inside a block's replayed backward are the widest
BOUNDS = {
    **dict.fromkeys(MATRIX, 0.01),
    ("gpt2", 4, 256, "fp32", "adamw", "full", "eager"): 0.064,  # -3.20 %
    ("llama", 8, 128, "bf16", "adamw", "full", "eager"): 0.033,  # -1.61 %
    ("gpt2", 2, 128, "fp32", "sgd", "full", "sdpa"): 0.045,  # +2.25 %
    ("llama", 1, 512, "fp32", "sgd", "full", "eager"): 0.083,  # -4.13 %
}
MEDIAN_BOUND = 0.005


test_table_of_errors_within_the_gates, test_a_uniform_2_percent_regression_fails = gate_tests(
    BOUNDS, MEDIAN_BOUND
)
