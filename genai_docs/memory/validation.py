"""Gates of the validation tests: predicted peaks against measured ones, with bounds near
what the formulas achieve (issue 19).

A validation matrix gives, per case, the relative error ``predicted / measured − 1``. Each
case has its own bound, typed in the test: twice the error observed when the bound was set,
rounded up to a tenth of a percent, and never below 1 %; the median of the absolute errors
has a bound too (0.5 %, where the medians observed are below 0.25 %). Bounds this tight make a
uniform regression of 2 % fail (the tests check it by scaling the predictions), where the
±10 % of the first matrices let 4 % through.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Mapping


def gate(
    errors: Mapping[Hashable, float], bounds: Mapping[Hashable, float], median_bound: float
) -> list[str]:
    """The failures of ``errors`` against per-case ``bounds`` and the median bound, one line
    each (an empty list: the gate passes). A case without a bound fails."""
    failures = [
        f"{case}: {error:+.2%} outside ±{bounds[case]:.1%}"
        if case in bounds
        else f"{case}: no bound"
        for case, error in errors.items()
        if case not in bounds or abs(error) > bounds[case]
    ]
    median = statistics.median(abs(e) for e in errors.values())
    if median > median_bound:
        failures.append(f"median {median:.2%} above {median_bound:.1%}")
    return failures


def scaled(errors: Mapping[Hashable, float], factor: float) -> dict[Hashable, float]:
    """The errors the same measurements would give if every prediction were ``factor``
    times larger: a uniform regression of the formulas."""
    return {case: (1 + error) * factor - 1 for case, error in errors.items()}


def error_table(
    errors: Mapping[Hashable, float], bounds: Mapping[Hashable, float], median_bound: float
) -> str:
    """The errors as a plain-text table: case, error, bound, and the median with its bound."""
    width = max(len(str(case)) for case in errors)
    lines = [f"{'case':<{width}}  {'error':>8}  {'bound':>6}"]
    for case, error in errors.items():
        bound = f"{bounds[case]:.1%}" if case in bounds else "-"
        lines.append(f"{case!s:<{width}}  {error:>+8.2%}  {bound:>6}")
    worst = max(abs(e) for e in errors.values())
    median = statistics.median(abs(e) for e in errors.values())
    lines.append(f"max |error| {worst:.2%}; median |error| {median:.2%} (bound {median_bound:.1%})")
    return "\n".join(lines)
