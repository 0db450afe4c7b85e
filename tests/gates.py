"""The two tests every validation matrix of the memory calculator has (issue 19): its errors
within their gates, the table printed; and a uniform 2 % regression of the predictions caught.

A test module defines an ``errors`` fixture (case -> predicted / measured − 1) and binds::

    test_table_of_errors_within_the_gates, test_a_uniform_2_percent_regression_fails = (
        gate_tests(BOUNDS, MEDIAN_BOUND)
    )

``bounds`` is a mapping of case -> bound, or a function of the errors that gives one.
"""

from collections.abc import Callable, Hashable, Mapping

import pytest

from genai_docs.memory.validation import error_table, gate, scaled

Bounds = Mapping[Hashable, float] | Callable[[Mapping[Hashable, float]], Mapping[Hashable, float]]


def gate_tests(bounds: Bounds, median_bound: float):
    """The two test functions, for pytest to collect where they are bound."""

    def bounds_of(errors):
        return bounds(errors) if callable(bounds) else bounds

    def test_table_of_errors_within_the_gates(errors):
        table = error_table(errors, bounds_of(errors), median_bound)
        print("\n" + table)
        failures = gate(errors, bounds_of(errors), median_bound)
        assert not failures, "\n".join(failures) + "\n" + table

    @pytest.mark.parametrize("factor", [1.02, 0.98])
    def test_a_uniform_2_percent_regression_fails(errors, factor):
        assert gate(scaled(errors, factor), bounds_of(errors), median_bound)

    return test_table_of_errors_within_the_gates, test_a_uniform_2_percent_regression_fails
