"""Values that a snippet publishes for the sentences around it: ``{{ name }}`` in the prose.

A snippet calls ``publish("perte_ballon", perte, 2)``; a sentence of the same page writes
``la perte n'est que de {{ perte_ballon }}``, and the site shows ``0,12`` there, formatted
by :mod:`genai_docs.french` like every other number. The value is computed when the block
runs and is cached with its output, so editing prose runs nothing, and a sentence can no
longer go stale when the library changes the number under it (the design follows MyST-NB's
``glue``: the code names a value, the text cites the name).

Run as a plain script (``python snippets/...``), ``publish`` only returns the formatted
text. Inside the docs build, the engine sets ``GENAI_DOCS_VALUES`` to a file of its own,
where the values are written, one JSON object per line.
"""

from __future__ import annotations

import json
import os
import re

from genai_docs import french

__all__ = ["NAME", "VALUES_ENV", "publish"]

VALUES_ENV = "GENAI_DOCS_VALUES"
NAME = re.compile(r"[a-z][a-z0-9_]*")  # a name a sentence can cite: {{ perte_ballon }}
_published: set[str] = set()


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
    path = os.environ.get(VALUES_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"name": name, "text": text}, ensure_ascii=False) + "\n")
    return text
