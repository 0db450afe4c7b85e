"""Read what the engine needs from ``mkdocs.yml`` without MkDocs, and collect a site's blocks.

The ``genai-docs`` commands and the tests use this, so they see the same blocks as the
plugin: the same docs folder, the same snippet base paths (``pymdownx.snippets``), the
same cache and frozen folders. It runs where MkDocs is not installed (a GPU machine
recording frozen outputs needs only Python, PyYAML and the libraries the snippets use).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from genai_docs.errors import UsageError
from genai_docs.mkdocs.blocks import Block, BlockError, base_paths, find_blocks

__all__ = ["Site", "load_site"]


class _TolerantLoader(yaml.SafeLoader):
    """A YAML loader that reads MkDocs' tags (``!ENV``, ``!!python/name``) as plain values."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node):
    if isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node)
        return values[-1] if values else None  # !ENV [NAME, default] -> the default
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return loader.construct_scalar(node)


_TolerantLoader.add_multi_constructor("!", _tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _tag)


@dataclass
class Site:
    root: Path  # the folder of mkdocs.yml
    docs_dir: Path
    base_paths: list[Path]  # where --8<-- paths are looked up
    cache_dir: Path
    frozen_dir: Path

    def pages(self) -> list[Path]:
        return sorted(self.docs_dir.rglob("*.md"))

    def blocks(self) -> list[Block]:
        """Every executed block of every page, in page order."""
        found = []
        for page in self.pages():
            relative = page.relative_to(self.root).as_posix()
            try:
                found += find_blocks(
                    page.read_text(encoding="utf-8"), relative, self.root, self.base_paths
                )
            except BlockError as exc:
                raise UsageError(str(exc)) from None
        return found


def load_site(config_file: Path) -> Site:
    config_file = Path(config_file).resolve()
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read {config_file.name}: {exc}") from None
    root = config_file.parent
    snippets, plugin = {}, {}
    for entry in config.get("markdown_extensions") or []:
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            snippets = entry["pymdownx.snippets"] or {}
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "genai_docs" in entry:
            plugin = entry["genai_docs"] or {}
    return Site(
        root=root,
        docs_dir=root / config.get("docs_dir", "docs"),
        base_paths=base_paths(snippets, root),
        cache_dir=root / plugin.get("cache_dir", ".cache/genai_docs"),
        frozen_dir=root / plugin.get("frozen_dir", "frozen"),
    )
