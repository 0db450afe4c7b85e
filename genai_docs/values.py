"""Values that a snippet publishes for the sentences around it: ``{{ name }}`` in the prose.

A snippet calls ``publish("perte_ballon", perte, 2)``; a sentence of the same page writes
``la perte n'est que de {{ perte_ballon }}``, and the site shows ``0,12`` there, formatted
by :mod:`genai_docs.french` like every other number. The value is computed when the block
runs and is cached with its output, so editing prose runs nothing, and a sentence can no
longer go stale when the library changes the number under it (the design follows MyST-NB's
``glue``: the code names a value, the text cites the name).

A sentence that *interprets* an output (« six millions de fois moins », « plus lent à
partir de 128 tokens », « tient sur une carte ») is protected by a claim:
``claim("attenuation_forte", ratio < 1e-6, "3,9 × 10⁻⁷ < 10⁻⁶")`` states, with the values it
rests on, what the prose will say; the sentence cites it as ``{{ claim: attenuation_forte }}``.
The build fails when a cited claim is false, naming the page and line, the claim and its
detail; the page marks a true one discreetly, with its detail as a tooltip. A claim is an
assertion: the snippet tests check that every claim a snippet states holds, cited or not.

Run as a plain script (``python snippets/...``), ``publish`` only returns the formatted
text and ``claim`` returns ``holds``. Inside the docs build, the engine sets
``GENAI_DOCS_VALUES`` to a file of its own, where values and claims are written, one JSON
object per line.
"""

from __future__ import annotations

import json
import os
import re

from genai_docs import french

__all__ = ["NAME", "VALUES_ENV", "claim", "publish"]

VALUES_ENV = "GENAI_DOCS_VALUES"
NAME = re.compile(r"[a-z][a-z0-9_]*")  # a name a sentence can cite: {{ perte_ballon }}
_published: set[str] = set()
_claimed: set[str] = set()


def publish(name: str, value: float | str, decimals: int = 0) -> str:
    """Publish ``value`` under ``name`` for the page's prose; return the text shown.

    A number is formatted with ``french.number(value, decimals)``; a string (from
    ``french.percent``, ``french.size``... or a word) is shown as it is.
    """
    if not NAME.fullmatch(name):
        raise ValueError(f"value name {name!r}: use lower-case letters, digits and _")
    if name in _published:
        raise ValueError(f"value {name!r} is published twice by this block")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"value {name!r}: publish a number or a string, not {type(value).__name__}")
    text = value if isinstance(value, str) else french.number(value, decimals)
    _published.add(name)
    _write({"name": name, "text": text})
    return text


def claim(name: str, holds: bool, detail: str) -> bool:
    """State that the prose may say ``name``, because ``holds``; return ``holds``.

    ``holds`` is computed from the outputs (a bool, NumPy's included); ``detail`` says, in
    French and with the values, what was checked: « 3,9 × 10⁻⁷ < 10⁻⁶ ». A sentence cites
    the claim as ``{{ claim: name }}``; the build fails if a cited claim is false.
    """
    if not NAME.fullmatch(name):
        raise ValueError(f"claim name {name!r}: use lower-case letters, digits and _")
    if name in _claimed:
        raise ValueError(f"claim {name!r} is stated twice by this block")
    if type(holds).__name__ not in ("bool", "bool_"):  # bool, or numpy.bool_
        raise TypeError(f"claim {name!r}: holds must be a bool, not {type(holds).__name__}")
    if not (isinstance(detail, str) and detail.strip()):
        raise ValueError(f"claim {name!r}: give the detail of what was checked, with its values")
    holds = bool(holds)
    _claimed.add(name)
    _write({"claim": name, "holds": holds, "detail": detail})
    return holds


def _write(record: dict) -> None:
    path = os.environ.get(VALUES_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
