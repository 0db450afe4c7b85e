"""A lesson's level and reading time, under its title: « Niveau : … · lecture : environ N min ».

A page states its level in its front matter (``niveau: débutant``, ``intermédiaire`` or
``approfondissement``); the reading time is computed from its prose, so it follows the
page as it grows. Prose is what a reader reads as text: fenced code and executed blocks
are not counted (a reader runs them, or skims them), tables and formulas are.

The rate is 195 words a minute, the mean silent reading speed measured in French by the
IReST study (Trauzettel-Klosinski, Dietz et al., 2012, *Investigative Ophthalmology & Visual
Science* 53(9)), rounded up to the next 5 minutes: a course is read more slowly than a
novel, and the estimate is for a first reading.
"""

from __future__ import annotations

import math
import re

from genai_docs.mkdocs.inline import prose_lines

__all__ = ["LEVELS", "WORDS_PER_MINUTE", "level_line", "reading_minutes"]

WORDS_PER_MINUTE = 195  # French, silent reading (IReST, 2012)
LEVELS = ("débutant", "intermédiaire", "approfondissement")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def reading_minutes(markdown: str) -> int:
    """Minutes to read the prose of ``markdown``, rounded up to a multiple of 5."""
    words = sum(len(_WORD.findall(line)) for _, line in prose_lines(markdown.split("\n")))
    return max(5, 5 * math.ceil(words / WORDS_PER_MINUTE / 5))


def level_line(level: str, markdown: str, where: str) -> str:
    """The Markdown line shown under the page's title; ``ValueError`` for an unknown level."""
    if level not in LEVELS:
        raise ValueError(f"{where}: niveau {level!r} is not one of {', '.join(LEVELS)}")
    return (
        f'<p class="niveau">Niveau : {level} · lecture : environ '
        f"{reading_minutes(markdown)} min</p>"
    )
