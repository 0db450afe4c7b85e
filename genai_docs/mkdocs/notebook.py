"""Notebooks: a jupytext source, executed through the engine, rendered by mkdocs-jupyter.

A notebook is kept as a jupytext "percent" file (``notebooks/atelier.py``: plain Python,
``# %%`` between cells, readable in a diff). The plugin turns it into one job for the
engine: :func:`job_code` wraps its code cells in a driver that runs them one after the
other in one namespace, as a kernel would, and prints each cell's output (text, the value
of a last expression, the figures) as JSON. Being an ordinary block for the engine, it is
cached like one: nothing re-runs while the notebook and the library files it used are
unchanged, and editing ``genai_docs`` re-runs it. :func:`executed_notebook` then writes
those outputs into the notebook (nbformat 4), which mkdocs-jupyter renders as a page and,
with ``include_source``, copies next to it for download.

The cells' ids are their positions and the figures are SVG with fixed ids, so two builds
of the same commit give the same ``.ipynb``. Each figure also comes as an HTML ``<img>``
with a text alternative, which nbconvert's SVG output lacks (it writes « No description has
been provided for this image »): the figure's label (``fig.set_label(...)``), else its
titles.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

__all__ = ["MARK", "executed_notebook", "job_code", "read_notebook"]

MARK = "\x1egenai-docs-notebook\x1e"  # precedes the driver's JSON on stdout

_DRIVER = """\
import ast, contextlib, io, json, linecache
import matplotlib.pyplot as plt

cells = json.loads({cells!r})
namespace = {{"__name__": "__main__"}}
outputs = []
for number, source in enumerate(cells, start=1):
    name = f"<cellule {{number}}>"
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    tree = ast.parse(source, name)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    printed, result = io.StringIO(), None
    with contextlib.redirect_stdout(printed):
        exec(compile(tree, name, "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)
            result = None if value is None else repr(value)
    figures, alts = [], []
    for figure_number in plt.get_fignums():
        figure, svg = plt.figure(figure_number), io.StringIO()
        figure.savefig(svg, format="svg", metadata={{"Date": None}})
        figures.append(svg.getvalue())
        titles = [t for t in [figure.get_suptitle(), *(ax.get_title() for ax in figure.axes)] if t]
        alts.append(figure.get_label() or " ; ".join(titles) or f"Figure de la cellule {{number}}")
    plt.close("all")
    outputs.append({{"stdout": printed.getvalue(), "result": result, "figures": figures,
                    "alts": alts}})
print({mark!r} + json.dumps(outputs))
"""


def read_notebook(path: Path) -> dict:
    """The notebook of a jupytext file, as an nbformat 4 dictionary."""
    import jupytext

    return json.loads(jupytext.writes(jupytext.read(path), fmt="ipynb"))


def job_code(notebook: dict) -> str:
    """Python code that runs the notebook's code cells and prints their outputs."""
    cells = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    return _DRIVER.format(cells=json.dumps(cells), mark=MARK)


def executed_notebook(notebook: dict, stdout: str) -> dict:
    """``notebook`` with the outputs the driver printed, one set per code cell."""
    if MARK not in stdout:
        raise ValueError("the notebook's run printed no outputs")
    outputs = iter(json.loads(stdout.split(MARK, 1)[1]))
    executed = {**notebook, "cells": []}
    count = 0
    for index, cell in enumerate(notebook["cells"]):
        cell = {**cell, "id": f"cellule-{index + 1}"}
        if cell["cell_type"] == "code":
            count += 1
            produced = next(outputs)
            cell["execution_count"] = count
            cell["outputs"] = _outputs(produced, count)
        executed["cells"].append(cell)
    executed["nbformat"], executed["nbformat_minor"] = 4, 5
    return executed


def _outputs(produced: dict, count: int) -> list[dict]:
    outputs: list[dict] = []
    if produced["stdout"]:
        outputs.append({"output_type": "stream", "name": "stdout", "text": produced["stdout"]})
    alts = produced.get("alts") or [""] * len(produced["figures"])
    for svg, alt in zip(produced["figures"], alts, strict=True):
        data = {"image/svg+xml": svg}
        if alt:  # nbconvert shows an SVG as an <img> without alt: give it one
            uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
            data["text/html"] = f'<img alt="{html.escape(alt)}" src="{uri}">'
        outputs.append({"output_type": "display_data", "data": data, "metadata": {}})
    if produced["result"] is not None:
        outputs.append(
            {
                "output_type": "execute_result",
                "execution_count": count,
                "data": {"text/plain": produced["result"]},
                "metadata": {},
            }
        )
    return outputs
