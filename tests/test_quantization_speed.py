"""Roofline estimates against hand-computed values, the CPU int8 timing, French tick labels."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from genai_docs.figures import french_tick_label, french_ticks
from genai_docs.french import NNBSP
from genai_docs.quantization import (
    PUBLISHED_PEAKS,
    crossover_batch,
    decode_step,
    time_dynamic_int8,
)

H100 = PUBLISHED_PEAKS["H100 SXM"]


def test_published_dense_peaks_are_the_datasheet_figures() -> None:
    """NVIDIA datasheets: the sparse headline figures are twice the dense ones kept here."""
    assert (H100.tops["fp32"], H100.tops["bf16"], H100.tops["fp8"]) == (67, 989.5, 1979)
    assert H100.bandwidth == 3.35e12
    a100 = PUBLISHED_PEAKS["A100"]
    assert (a100.tops["tf32"], a100.tops["bf16"], a100.tops["int8"]) == (156, 312, 624)
    assert "fp8" not in a100.tops
    assert PUBLISHED_PEAKS["H200"].tops == H100.tops
    assert PUBLISHED_PEAKS["H200"].bandwidth == 4.8e12


def test_decode_step_by_hand() -> None:
    # 7e9 weights in bf16 (14e9 bytes) on an H100: 14e9 / 3.35e12 s to read them,
    # 2 × 7e9 / 989.5e12 s to compute with one token in flight
    step = decode_step(7_000_000_000, 14_000_000_000, H100, "bf16")
    assert step.memory_seconds == pytest.approx(4.1791e-3, rel=1e-4)
    assert step.compute_seconds == pytest.approx(1.41486e-5, rel=1e-4)
    assert step.memory_bound and step.seconds == step.memory_seconds
    big = decode_step(7_000_000_000, 14_000_000_000, H100, "bf16", batch=1000)
    assert not big.memory_bound and big.seconds == big.compute_seconds
    # the crossover: 989.5e12 × 2 / (2 × 3.35e12) = 295.37 tokens
    assert crossover_batch(H100, "bf16", 2) == pytest.approx(295.373, rel=1e-5)


def test_roofline_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="no fp8 peak"):
        decode_step(10, 10, PUBLISHED_PEAKS["A100"], "fp8")
    with pytest.raises(ValueError, match="positive"):
        decode_step(10, 0, H100, "bf16")
    with pytest.raises(ValueError, match="no fp4 peak"):
        crossover_batch(H100, "fp4", 1)


def test_dynamic_int8_timing_runs_and_stays_close_to_fp32() -> None:
    timing = time_dynamic_int8(4, 64, 32, repeats=1, min_run_time=0.01)
    assert timing.fp32_seconds > 0 and timing.int8_seconds > 0
    assert timing.speedup == timing.fp32_seconds / timing.int8_seconds
    assert 0 < timing.relative_error < 0.05  # int8 weights and activations: about 1 %
    with pytest.raises(ValueError, match="positive"):
        time_dynamic_int8(0, 64, 32)


@pytest.mark.parametrize(
    ("label", "french"),
    [
        ("-0.010", "\u22120,010"),
        ("\u22121.5", "\u22121,5"),
        ("10000", f"10{NNBSP}000"),
        ("0", "0"),
        ("$\\mathdefault{0.5}$", "$\\mathdefault{0{,}5}$"),
        ("$\\mathdefault{10^{-1}}$", "$\\mathdefault{10^{-1}}$"),
        ("pas d'entraînement", "pas d'entraînement"),
    ],
)
def test_french_tick_labels(label, french) -> None:
    assert french_tick_label(label) == french


def test_french_ticks_on_a_drawn_figure() -> None:
    fig, ax = plt.subplots()
    ax.plot([-0.02, 0.03], [1000.0, 20000.0])
    french_ticks(fig)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
    plt.close(fig)
    assert labels and not any("." in label for label in labels)
    assert any("," in label for label in labels) and any(NNBSP in label for label in labels)
