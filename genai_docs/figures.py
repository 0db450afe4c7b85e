"""French tick labels for matplotlib figures: a decimal comma, thousands grouped.

Matplotlib writes ``-0.010`` and ``10000``; French typography wants ``−0,010`` and
``10 000`` (see :mod:`genai_docs.french`). ``rcParams["axes.formatter.use_locale"]`` would
need a French locale installed on the machine that builds the site; instead,
:func:`french_ticks` wraps the formatter matplotlib chose for each axis and rewrites only
its output, so the tick positions and the number of decimals stay matplotlib's. Call it
once the figure is drawn (after ``set_xscale``/``set_yscale``, which replace formatters).

The docs engine applies it to every figure a block leaves open, as the site's typography
applies to its prose; a snippet run on its own calls it where it wants French ticks.
"""

from __future__ import annotations

import re

from matplotlib.ticker import Formatter

from genai_docs import french

__all__ = ["french_tick_label", "french_ticks"]

_PLAIN = re.compile(r"^(?P<sign>[-\u2212]?)(?P<int>\d+)(?:\.(?P<dec>\d+))?$")
_MATH = re.compile(r"^\$\\mathdefault\{(?P<body>.*)\}\$$")


def french_tick_label(label: str) -> str:
    """``"-0.010"`` -> ``"−0,010"``, ``"10000"`` -> ``"10 000"``; ``"$\\mathdefault{0.5}$"``
    -> ``"$\\mathdefault{0{,}5}$"``; any other label (``10⁻³``, text) is left as it is."""
    math = _MATH.match(label)
    body = math["body"] if math else label
    plain = _PLAIN.match(body)
    if plain is None:
        return label
    decimals = len(plain["dec"] or "")
    value = float(f"{plain['int']}.{plain['dec'] or 0}")
    text = french.number(-value if plain["sign"] else value, decimals)
    if math:  # in mathtext a bare comma is punctuation, followed by a space: group it
        return "$\\mathdefault{" + text.replace(",", "{,}") + "}$"
    return text


class _French(Formatter):
    """Matplotlib's own formatter, its labels rewritten by :func:`french_tick_label`."""

    def __init__(self, inner: Formatter) -> None:
        self.inner = inner

    def set_axis(self, axis) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x, pos=None) -> str:
        return french_tick_label(self.inner(x, pos))

    def format_ticks(self, values) -> list[str]:
        return [french_tick_label(label) for label in self.inner.format_ticks(values)]

    def get_offset(self) -> str:
        return self.inner.get_offset().replace(".", ",")


def french_ticks(fig) -> None:
    """Give every axis of ``fig`` French tick labels (major and minor), in place."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for getter, setter in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                inner = getter()
                if not isinstance(inner, _French):
                    setter(_French(inner))
