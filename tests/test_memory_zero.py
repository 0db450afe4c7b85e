"""Tests of genai_docs.memory.zero: ZeRO's two accountings and the bytes each step sends."""

from __future__ import annotations

import pytest

from genai_docs.memory import TrainingConfig, estimate_training, model_shape, tiny_configs
from genai_docs.memory.zero import (
    ACCOUNTINGS,
    model_states,
    ring_all_reduce_bytes,
    step_traffic_bytes,
)


@pytest.mark.parametrize(("stage", "published"), [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)])
def test_the_papers_figure_1_is_found_again(stage, published):
    # Rajbhandari et al. (2020), Figure 1: Ψ = 7.5e9, N_d = 64, K = 12, GB per GPU.
    total = sum(model_states(7.5e9, stage, 64, "zero").values())
    assert total / 1e9 == pytest.approx(published, abs=0.05)


def test_both_accountings_count_16_bytes_and_agree_unsharded_and_at_stage_3():
    for per in ACCOUNTINGS.values():
        assert per.weights + per.gradients + per.optimizer == 16
    for stage in (0, 3):
        paper = sum(model_states(1e9, stage, 8, "zero").values())
        autocast = sum(model_states(1e9, stage, 8, "autocast").values())
        assert paper == pytest.approx(autocast)
    for stage in (1, 2):  # the paper shards the fp32 master copy from stage 1 on
        assert sum(model_states(1e9, stage, 8, "autocast").values()) > sum(
            model_states(1e9, stage, 8, "zero").values()
        )


@pytest.mark.parametrize("stage", [0, 1, 2, 3])
def test_autocast_accounting_is_the_calculators_when_rows_divide_evenly(stage):
    shape = model_shape(tiny_configs()["llama"], "tiny-llama")
    assert all(s[0] % 2 == 0 for s in shape.param_shapes if s)  # no row left over
    cfg = TrainingConfig(precision="mixed", zero_stage=stage, n_gpus=2)
    calculator = estimate_training(shape, cfg).setting["sharded_states"]
    assert model_states(shape.params, stage, 2) == pytest.approx(calculator)


def test_ring_all_reduce_sends_2_n_minus_1_over_n_of_the_buffer():
    assert ring_all_reduce_bytes(100.0, 1) == 0
    assert ring_all_reduce_bytes(100.0, 2) == pytest.approx(100.0)
    assert ring_all_reduce_bytes(100.0, 8) == pytest.approx(175.0)
    assert ring_all_reduce_bytes(100.0, 10_000) < 200.0


def test_traffic_per_stage():
    psi, n = 1e9, 8
    ddp = step_traffic_bytes(psi, 0, n)
    assert ddp == pytest.approx(ring_all_reduce_bytes(4 * psi, n))  # fp32 gradients
    assert step_traffic_bytes(psi, 1, n) == pytest.approx(ddp)  # reduce-scatter + all-gather
    assert step_traffic_bytes(psi, 2, n) == pytest.approx(ddp)
    assert step_traffic_bytes(psi, 3, n) == pytest.approx(1.5 * ddp)  # weights gathered twice
    # a bf16 compression hook halves DDP's bytes
    assert step_traffic_bytes(psi, 0, n, gradient_bytes=2) == pytest.approx(ddp / 2)


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (model_states, (1e9, 4, 8)),
        (model_states, (1e9, 1, 0)),
        (model_states, (1e9, 1, 8, "deepspeed")),
        (ring_all_reduce_bytes, (1.0, 0)),
        (step_traffic_bytes, (1e9, -1, 8)),
    ],
)
def test_rejects_nonsense(call, args):
    with pytest.raises(ValueError):
        call(*args)
