"""Pre-training, shown on tiny random models: the three families, their masks and objectives.

- ``vocab``: a word-level French toy vocabulary with BERT's and T5's special tokens.
- ``families``: BERT-like, GPT-like and T5-like models built from ``transformers`` configs.
- ``masks``: bidirectional, causal and cross-attention masks, and a measurement on a model.
- ``objectives``: masked LM (BERT), causal LM (GPT-2), span corruption (T5), and their losses.
"""

from .families import FAMILIES, Family, FamilyConfig, build_model, count_parameters
from .masks import (
    bidirectional_mask,
    causal_mask,
    cross_attention_mask,
    family_masks,
    measured_dependencies,
)
from .objectives import (
    IGNORE_INDEX,
    Example,
    causal_lm_example,
    masked_lm_example,
    objective_loss,
    random_spans_noise_mask,
    span_corruption_example,
)
from .vocab import (
    COURSE_SENTENCE,
    FRENCH_LINES,
    N_SENTINELS,
    SPECIAL_TOKENS,
    WordVocab,
    build_course_vocab,
    split_words,
)

__all__ = [
    "COURSE_SENTENCE",
    "FAMILIES",
    "FRENCH_LINES",
    "IGNORE_INDEX",
    "N_SENTINELS",
    "SPECIAL_TOKENS",
    "Example",
    "Family",
    "FamilyConfig",
    "WordVocab",
    "bidirectional_mask",
    "build_course_vocab",
    "build_model",
    "causal_lm_example",
    "causal_mask",
    "count_parameters",
    "cross_attention_mask",
    "family_masks",
    "masked_lm_example",
    "measured_dependencies",
    "objective_loss",
    "random_spans_noise_mask",
    "span_corruption_example",
    "split_words",
]
