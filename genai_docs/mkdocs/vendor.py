"""Serve the site's JavaScript libraries from the site itself: nothing leaves its origin.

A reader's browser talks to the site's own server only: no CDN (a page must not break
offline, nor tell third parties who reads it). The libraries come from npm packages
pinned in ``package.json``/``package-lock.json`` and installed by ``make setup``
(``npm ci --ignore-scripts`` into ``node_modules/``, ignored by git); the plugin option
``vendor`` lists the files to copy from there, and :func:`vendor_files` adds them to the
site as generated files, so ``mkdocs build`` and ``mkdocs serve`` both serve them.

Choices (``overrides/main.html`` loads each library only on the pages that use it):

- **Math: KaTeX, rendered in the browser** by ``docs/javascripts/katex.js`` from the
  ``\\(...\\)`` and ``\\[...\\]`` that ``pymdownx.arithmatex`` (generic mode) leaves in the
  page. KaTeX covers every command the pages use (``\\text``, ``\\mathcal``, ``cases``,
  ``\\underbrace``, ``\\!``, ``\\tfrac``...), renders synchronously and weighs about a
  quarter of MathJax's TeX bundle; rendering in the browser keeps the build pure Python
  (no Node.js process per build), and a formula KaTeX rejects is a console error, which
  the browser tests (``tests/test_browser.py``) fail on.
- **Diagrams: Mermaid**, run by Material for MkDocs, which fetches ``mermaid@11`` from
  unpkg unless ``window.mermaid`` is already defined: the pages with a diagram load the
  site's copy before Material's bundle.
- **Fonts: the reader's system fonts** (``theme.font: false``), and the repository link of
  the header fetches nothing from GitHub (``overrides/partials/source.html``).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files


def _sources(path: Path, destination: str) -> list[tuple[str, Path]]:
    """(site path, file) pairs for one entry: a file, or every file under a folder."""
    if path.is_file():
        return [(destination, path)]
    return [
        (f"{destination}/{file.relative_to(path).as_posix()}", file)
        for file in sorted(path.rglob("*"))
        if file.is_file() and "__pycache__" not in file.parts  # bytecode is not served
    ]


def vendor_files(config, files: Files, root: Path, entries: dict[str, str]) -> None:
    """Add each ``site path: source`` entry to the site's files.

    A source (relative to ``root``, the folder of mkdocs.yml) is a file, or a folder copied
    with its whole tree under the site path. A missing source fails the build with a hint;
    a site path that a file of ``docs/`` already has is an error too, not a silent override.
    """
    for destination, source in entries.items():
        path = root / source
        if not path.exists():
            raise PluginError(
                f"genai_docs: {source} is missing (vendored for the site at {destination}): "
                "run `make setup`, which installs the npm packages of package.json"
            )
        for uri, file in _sources(path, destination.strip("/")):
            if files.get_file_from_path(uri) is not None:
                raise PluginError(
                    f"genai_docs: {uri} is both a file of the docs and vendored from {source}"
                )
            files.append(File.generated(config, uri, abs_src_path=str(file)))
