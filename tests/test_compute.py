"""Tests of genai_docs.compute: the 6·N·D rule, Chinchilla's ratio, GPU-hours and MFU."""

from __future__ import annotations

import pytest

from genai_docs.compute import (
    DEFAULT_GPU,
    DEFAULT_MFU,
    GPU_PEAK_FLOPS,
    chinchilla_tokens,
    implied_mfu,
    training_cost,
    training_flops,
)


def test_six_n_d_finds_gpt3_published_compute():
    # Brown et al. (2020), appendix D: 3.14e23 FLOP for 175e9 parameters on 300e9 tokens.
    assert training_flops(175e9, 300e9) == pytest.approx(3.14e23, rel=0.01)


def test_chinchilla_ratio():
    assert chinchilla_tokens(70e9) == pytest.approx(1.4e12)


def test_gpu_hours_follow_peak_and_utilisation():
    cost = training_cost(1e9, 20e9)
    # by hand: 6 × 1e9 × 20e9 = 1.2e20 FLOP at 40 % of an H100's 989 TFLOP/s (dense bf16,
    # NVIDIA's datasheet): 1.2e20 / 3.956e14 = 303,337 s, 84.26 hours
    assert (DEFAULT_GPU, DEFAULT_MFU) == ("H100", 0.4)
    assert cost.gpu_hours == pytest.approx(84.26, abs=0.01)
    slower = training_cost(1e9, 20e9, peak_flops=GPU_PEAK_FLOPS["A100"])
    assert slower.gpu_hours > cost.gpu_hours


def test_implied_mfu_inverts_training_cost():
    cost = training_cost(7e9, 140e9, mfu=0.37)
    peak = GPU_PEAK_FLOPS[DEFAULT_GPU]
    assert implied_mfu(cost.flops, cost.gpu_hours, peak) == pytest.approx(0.37)


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (training_flops, (0, 1e9)),
        (training_cost, (1e9, 1e9, 1e15, 0.0)),
        (training_cost, (1e9, 1e9, 1e15, 1.5)),
        (implied_mfu, (1e20, 0, 1e15)),
    ],
)
def test_rejects_nonsense(call, args):
    with pytest.raises(ValueError):
        call(*args)


def test_step_seconds_is_six_n_d_over_peak_and_utilisation():
    from genai_docs.compute import step_seconds

    expected = 6 * 7e9 * 2048 / (GPU_PEAK_FLOPS[DEFAULT_GPU] * DEFAULT_MFU)
    assert step_seconds(7e9, 2048) == pytest.approx(expected)


def test_link_bandwidths_are_per_direction():
    from genai_docs.compute import LINK_BANDWIDTH

    assert LINK_BANDWIDTH["NVLink 4 (H100 SXM)"] == 900e9 / 2  # 900 GB/s both ways together
    assert LINK_BANDWIDTH["Ethernet 100 Gb/s"] == 100e9 / 8  # bits to bytes
    assert LINK_BANDWIDTH["InfiniBand 400 Gb/s"] == 400e9 / 8
    assert list(LINK_BANDWIDTH.values()) == sorted(LINK_BANDWIDTH.values(), reverse=True)
