"""Verdicts read the whole series, and say when there is no clear trend."""

from __future__ import annotations

import pytest

from genai_docs.verdicts import compare, from_where, monotonic, series


def test_from_where_needs_every_later_point() -> None:
    lengths = [32, 64, 128, 256]
    # the second review's table: LSTM / transformer = 0,80 ; 0,81 ; 1,04 ; 0,89
    assert from_where(lengths, [r > 1 for r in (0.80, 0.81, 1.04, 0.89)]) is None
    assert from_where(lengths, [r > 1 for r in (0.80, 1.2, 1.04, 1.3)]) == 64
    assert from_where(lengths, [True] * 4) == 32
    assert from_where(lengths, [False] * 4) is None
    with pytest.raises(ValueError, match="4 points but 3"):
        from_where(lengths, [True] * 3)


def test_compare_keeps_a_margin_for_noisy_times() -> None:
    assert compare([0.80, 0.81, 1.04, 0.89]) == "mixed"
    assert compare([1.3, 1.5, 2.0]) == "above"
    assert compare([1.2, 1.5, 2.0]) == "mixed"  # 1.2 is within the 25 % margin
    assert compare([0.5, 0.7]) == "below"
    assert compare([0.9], margin=0.05) == "below"


def test_monotonic_and_series() -> None:
    assert monotonic([2.61, 2.62, 2.70, 3.5, 9.0]) == "increasing"
    assert monotonic([1.0, 1.0005, 0.9, 0.5], tolerance=0.001) == "decreasing"
    assert monotonic([1.0, 2.0, 1.5]) == "mixed"
    assert series([0.8, 0.81, 1.04]) == "0,80 ; 0,81 ; 1,04"
