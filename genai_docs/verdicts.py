"""Verdicts over a whole series: « à partir de N », « partout », « pas de tendance nette ».

A sentence such as « le LSTM devient plus lent à partir de 128 tokens » is a result, and
must be true of every point of the table beside it, not only of the first one that crosses
the line. These helpers read the whole series, and say when it shows no clear trend, so
that a snippet can state the verdict as a claim (:func:`genai_docs.values.claim`) with the
values it rests on (:func:`series`).

A measured time is noisy and differs 2-3x from one machine to the next: compare ratios
with a wide ``margin`` (:func:`compare`), and let « pas de tendance nette » be a verdict
too, never a failure.
"""

from __future__ import annotations

from collections.abc import Sequence

from genai_docs import french

__all__ = ["compare", "from_where", "monotonic", "series"]


def from_where(xs: Sequence, holds: Sequence[bool]):
    """The first ``x`` from which ``holds`` is true for it and every later point, or None.

    ``from_where([32, 64, 128, 256], [False, False, True, False])`` is None: the last point
    contradicts « à partir de 128 ».
    """
    if len(xs) != len(holds):
        raise ValueError(f"{len(xs)} points but {len(holds)} verdicts")
    start = None
    for x, ok in zip(xs, holds, strict=True):
        if ok and start is None:
            start = x
        elif not ok:
            start = None
    return start


def compare(ratios: Sequence[float], margin: float = 0.25) -> str:
    """``"above"`` when every ratio exceeds ``1 + margin``, ``"below"`` when every one is
    under ``1 / (1 + margin)``, else ``"mixed"`` (no clear trend)."""
    if not ratios:
        raise ValueError("no ratio to compare")
    if all(r > 1 + margin for r in ratios):
        return "above"
    if all(r < 1 / (1 + margin) for r in ratios):
        return "below"
    return "mixed"


def monotonic(values: Sequence[float], tolerance: float = 0.0) -> str:
    """``"increasing"`` or ``"decreasing"`` when every step goes the same way (a step within
    ``tolerance``, relative, counts as flat and breaks neither), else ``"mixed"``."""
    steps = [(b - a) / max(abs(a), 1e-300) for a, b in zip(values, values[1:], strict=False)]
    if all(step >= -tolerance for step in steps) and any(step > tolerance for step in steps):
        return "increasing"
    if all(step <= tolerance for step in steps) and any(step < -tolerance for step in steps):
        return "decreasing"
    return "mixed"


def series(values: Sequence[float], decimals: int = 2) -> str:
    """``[0.8, 0.81, 1.04]`` -> ``"0,80 ; 0,81 ; 1,04"``: the values a claim rests on."""
    return " ; ".join(french.number(v, decimals) for v in values)
