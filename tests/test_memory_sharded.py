"""ZeRO-1, 2 and 3 as they are run, measured per rank on 2 CPU processes (gloo): issues 16
and 19.

Each rank trains a small Llama and measures the peak of its second step with
``MemTracker`` (:func:`genai_docs.transformer.distributed.measure_sharded_peak`, one
``torchrun`` for all the runs); the calculator predicts the same per-rank peak from the
config (``TrainingConfig(zero_stage=..., n_gpus=2)``):

- ZeRO-1: PyTorch's ``ZeroRedundancyOptimizer``, the gradients all-reduced;
- ZeRO-2: the paper's (whole weights, gradients reduce-scattered as the backward pass
  writes them, sharded AdamW states: ``Zero2AdamW``);
- ZeRO-3: FSDP2's ``fully_shard``, with its mixed-precision policy, DeepSpeed-style bf16
  weights with fp32 master copies, and ``torch.autocast`` around fp32 FSDP2 (the pitfall).

Two batch sizes: activations at the peak (2 × 128), then model states (1 × 32): at ZeRO-3
the root's reduce-scatter at the end of the backward pass (to the byte). Not gated: a peak
in the first block's backward pass (DeepSpeed-style at 1 × 32), where the gloo buffers in
flight make the measure move from run to run (2.7 % to 7.9 % above the prediction in
two runs, issue 19). Gates (:mod:`genai_docs.memory.validation`):
per rank and run, twice the error observed when set (at least 1 %); the median within
0.5 %; a uniform 2 % change of the predictions fails them.
"""

import pytest
from gates import gate_tests

from genai_docs.memory import TrainingConfig, estimate_training, model_shape
from genai_docs.memory.registry import named_config

# (setting, batch per rank, seq_len, ZeRO stage): bound on each rank's error
BOUNDS = {
    ("fsdp2", 2, 128, 3): 0.01,
    ("autocast", 2, 128, 3): 0.01,
    ("deepspeed", 2, 128, 3): 0.01,
    ("fsdp2", 1, 32, 3): 0.01,
    ("fp32", 2, 128, 1): 0.01,
    ("autocast", 2, 128, 1): 0.01,
    ("bf16", 1, 32, 1): 0.01,
    ("fp32", 1, 32, 1): 0.01,
    ("fp32", 2, 128, 2): 0.01,
    ("autocast", 2, 128, 2): 0.01,
    ("bf16", 2, 128, 2): 0.01,
    ("fp32", 1, 32, 2): 0.01,
}
MEDIAN_BOUND = 0.005


@pytest.fixture(scope="module")
def measured():
    from genai_docs.transformer.distributed import measure_sharded_peak

    runs = list(BOUNDS)
    return dict(zip(runs, measure_sharded_peak("tiny-llama", runs, nproc=2), strict=True))


def _predicted(setting: str, batch: int, seq: int, stage: int = 3):
    precision = setting if setting in ("fp32", "bf16") else "mixed"
    mixed = setting if precision == "mixed" else "auto"
    cfg = TrainingConfig(
        batch, seq, precision, zero_stage=stage, n_gpus=2, device="cpu", mixed=mixed
    )
    return estimate_training(model_shape(named_config("tiny-llama"), "tiny-llama"), cfg)


@pytest.fixture(scope="module")
def errors(measured):
    return {
        (*run, f"rank {rank['rank']}"): _predicted(*run).total_bytes / rank["peak"] - 1
        for run, ranks in measured.items()
        for rank in ranks
    }


def _bounds(errors):
    return {case: BOUNDS[case[:4]] for case in errors}


test_table_of_errors_within_the_gates, test_a_uniform_2_percent_regression_fails = gate_tests(
    _bounds, MEDIAN_BOUND
)


def test_every_stage_and_precision_is_measured():
    assert {run[3] for run in BOUNDS} == {1, 2, 3}
    for stage in (1, 2):
        assert {run[0] for run in BOUNDS if run[3] == stage} == {"fp32", "bf16", "autocast"}


def test_the_peaks_fall_where_the_model_says(measured):
    moments = {run: _predicted(*run).setting["peak_at"] for run in BOUNDS}
    assert moments[("fsdp2", 2, 128, 3)] == "backward_start"
    assert moments[("fsdp2", 1, 32, 3)] == "root_reduce"
    assert moments[("fp32", 1, 32, 2)] == "step"
    assert _predicted("deepspeed", 1, 32).setting["peak_at"] == "last_block"  # not measured


def test_each_stage_shards_what_it_should(measured):
    """ZeRO-1 shards the optimizer states, ZeRO-2 the gradients too, ZeRO-3 the weights too:
    the measured peaks of the same run fall stage after stage."""
    one, two = measured[("fp32", 1, 32, 1)], measured[("fp32", 1, 32, 2)]
    assert two[0]["peak"] < one[0]["peak"]
    parts_one, parts_two = one[0]["parts"], two[0]["parts"]
    # the whole gradients at ZeRO-1's step, only a shard at ZeRO-2's
    assert parts_one["grad"] == 4 * model_shape(named_config("tiny-llama")).params
    assert parts_two["grad"] == 0


def test_the_pitfall_costs_what_autocast_copies(measured):
    """Autocast around FSDP2 keeps a bf16 copy of every matrix, whole on each rank: measured
    above FSDP2's policy by more than those copies' bytes minus what the policy gathers."""
    from genai_docs.memory.mixed import autocast_copy_bytes

    pitfall = measured[("autocast", 2, 128, 3)][0]["peak"]
    policy = measured[("fsdp2", 2, 128, 3)][0]["peak"]
    shape = model_shape(named_config("tiny-llama"))
    copies = autocast_copy_bytes(shape, TrainingConfig(precision="mixed", mixed="autocast"))
    assert pitfall - policy > copies / 2
