"""genai-docs: the library behind the French course « Introduction à l'IA générative ».

Sub-packages, one per concept (each re-exports its public API):

- ``genai_docs.memory``: how much memory a language model needs, to infer and to train;
- ``genai_docs.transformer``: a mini GPT, its tokenizer, data and training loop;
- ``genai_docs.mkdocs``: the MkDocs plugin that executes the course's snippets at build time.

Shared helpers: ``genai_docs.artifacts`` (an on-disk cache for heavy artifacts) and
``genai_docs.cli`` (the ``genai-docs`` command).

This module imports nothing on purpose: a snippet that imports one sub-package pays only
for that one.
"""

__version__ = "0.1.0"
