"""The pre-training objectives of the three families, on one sequence of word ids.

- **Masked language modelling** (BERT, Devlin et al. 2019, section 3.1): choose 15% of the
  tokens; of those, 80% become ``[MASK]``, 10% a random word, 10% stay as they are. The
  model predicts the original token at the chosen positions only: every other label is
  ``-100``, the index PyTorch's cross-entropy ignores.
- **Causal language modelling** (GPT-2, Radford et al. 2019): predict token ``t + 1`` from
  tokens ``0..t``; the targets are the inputs shifted one step to the left,
  :math:`\\mathcal{L} = -\\frac{1}{T-1}\\sum_{t} \\log p(x_{t+1} \\mid x_{\\le t})`.
- **Span corruption** (T5, Raffel et al. 2020, section 3.1.4): drop 15% of the tokens in
  spans of mean length 3; each dropped span becomes one sentinel ``<extra_id_k>`` in the
  input, and the target lists each sentinel followed by the tokens it hid, then a last
  sentinel and ``</s>``. The span sampling follows the paper's ``random_spans_noise_mask``:
  the number of noise tokens and of spans is fixed, their lengths are random.

``objective_loss`` computes each model's loss on its objective with the labels built here.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers import PreTrainedModel

from .vocab import N_SENTINELS, WordVocab

__all__ = [
    "IGNORE_INDEX",
    "Example",
    "causal_lm_example",
    "masked_lm_example",
    "objective_loss",
    "random_spans_noise_mask",
    "span_corruption_example",
]

IGNORE_INDEX = -100  # label ignored by torch.nn.functional.cross_entropy (its default)


@dataclass
class Example:
    """What a model reads and what it must predict, for one sequence."""

    input_ids: torch.Tensor  # (T,) tokens the model reads (its encoder's, for T5)
    labels: torch.Tensor  # (T,) for BERT and GPT-2, (T_tgt,) for T5; -100 = no loss here
    chosen: torch.Tensor  # (n,) positions in the original sequence the objective hides or predicts


def masked_lm_example(
    vocab: WordVocab,
    word_ids: list[int],
    mask_prob: float = 0.15,
    generator: torch.Generator | None = None,
) -> Example:
    """BERT's input ``[CLS] words [SEP]`` with ``round(mask_prob * n)`` words hidden (at least 1).

    ``chosen`` holds positions in ``input_ids`` (so shifted by one for ``[CLS]``).
    """
    ids = torch.tensor([vocab.id("[CLS]"), *word_ids, vocab.id("[SEP]")])  # (T,)
    n_words = len(word_ids)
    n_chosen = max(1, round(mask_prob * n_words))
    chosen = 1 + torch.randperm(n_words, generator=generator)[:n_chosen].sort().values  # (n,)

    labels = torch.full_like(ids, IGNORE_INDEX)  # (T,)
    labels[chosen] = ids[chosen]

    inputs = ids.clone()
    draw = torch.rand(n_chosen, generator=generator)  # (n,) decides mask / random / keep
    pool = torch.tensor(vocab.word_ids)
    random_words = pool[torch.randint(len(pool), (n_chosen,), generator=generator)]  # (n,)
    inputs[chosen] = torch.where(draw < 0.8, vocab.mask_id, inputs[chosen])
    inputs[chosen] = torch.where((draw >= 0.8) & (draw < 0.9), random_words, inputs[chosen])
    return Example(input_ids=inputs, labels=labels, chosen=chosen)


def causal_lm_example(vocab: WordVocab, word_ids: list[int]) -> Example:
    """GPT-2's input ``words </s>``; the label at position ``t`` is the token at ``t + 1``.

    The last position has nothing to predict (label -100). Hugging Face's causal LM models
    do this shift themselves when given ``labels=input_ids``; ``objective_loss`` passes
    the shifted labels explicitly and disables that shift, to show it.
    """
    ids = torch.tensor([*word_ids, vocab.eos_id])  # (T,)
    labels = torch.full_like(ids, IGNORE_INDEX)  # (T,)
    labels[:-1] = ids[1:]
    return Example(input_ids=ids, labels=labels, chosen=torch.arange(1, len(ids)))


def _random_segmentation(n_items: int, n_segments: int, generator: torch.Generator | None):
    """Split ``n_items`` into ``n_segments`` random positive lengths that sum to ``n_items``."""
    cuts = torch.randperm(n_items - 1, generator=generator)[: n_segments - 1].sort().values + 1
    bounds = torch.cat([torch.tensor([0]), cuts, torch.tensor([n_items])])
    return (bounds[1:] - bounds[:-1]).tolist()


def random_spans_noise_mask(
    length: int,
    noise_density: float = 0.15,
    mean_span_length: float = 3.0,
    generator: torch.Generator | None = None,
    roll: bool = True,
) -> torch.Tensor:
    """A boolean mask of ``length`` with ``round(noise_density * length)`` True in spans.

    As in T5: ``n_spans = round(n_noise / mean_span_length)``; noise and non-noise tokens
    are each cut into ``n_spans`` random pieces that alternate, starting with non-noise.
    That original recipe always ends on a noise span, so the last words of a sequence are
    always hidden; with ``roll`` (the default) the mask is rotated by a random offset, which
    keeps the number of noise tokens and may cut one span in two.
    """
    if length < 2:
        raise ValueError(f"span corruption needs at least 2 tokens, got {length}")
    n_noise = min(max(1, round(noise_density * length)), length - 1)
    n_spans = max(1, round(n_noise / mean_span_length))
    noise_lengths = _random_segmentation(n_noise, n_spans, generator)
    keep_lengths = _random_segmentation(length - n_noise, n_spans, generator)
    mask: list[bool] = []
    for keep, noise in zip(keep_lengths, noise_lengths, strict=True):
        mask += [False] * keep + [True] * noise
    noise_mask = torch.tensor(mask)  # (length,)
    if roll:
        shift = int(torch.randint(length, (1,), generator=generator))
        noise_mask = noise_mask.roll(shift)
    return noise_mask


def span_corruption_example(
    vocab: WordVocab,
    word_ids: list[int],
    noise_density: float = 0.15,
    mean_span_length: float = 3.0,
    generator: torch.Generator | None = None,
    roll: bool = True,
) -> Example:
    """T5's encoder input (spans replaced by sentinels) and decoder target, both ending in ``</s>``."""
    ids = torch.tensor(word_ids)  # (T,)
    noise = random_spans_noise_mask(len(ids), noise_density, mean_span_length, generator, roll)
    inputs: list[int] = []
    targets: list[int] = []
    k = 0
    for i, token in enumerate(ids.tolist()):
        starts_span = noise[i] and (i == 0 or not noise[i - 1])
        if starts_span:
            if k >= N_SENTINELS:
                raise ValueError(f"more than {N_SENTINELS} spans; raise N_SENTINELS")
            inputs.append(vocab.sentinel_id(k))
            targets.append(vocab.sentinel_id(k))
            k += 1
        (targets if noise[i] else inputs).append(token)
    targets += [vocab.sentinel_id(k), vocab.eos_id]
    inputs.append(vocab.eos_id)
    return Example(
        input_ids=torch.tensor(inputs),
        labels=torch.tensor(targets),
        chosen=noise.nonzero().flatten(),
    )


def objective_loss(model: PreTrainedModel, example: Example) -> float:
    """Mean cross-entropy (nats per predicted token) of ``model`` on ``example``.

    BERT and T5 get the labels as Hugging Face expects them (T5 shifts them right itself
    to build its decoder input). For GPT-2 the labels are already shifted, so the loss is
    computed here from the logits, position by position.
    """
    ids = example.input_ids[None]  # (1, T)
    labels = example.labels[None]  # (1, T) or (1, T_tgt)
    with torch.no_grad():
        if model.config.model_type == "gpt2":
            logits = model(input_ids=ids).logits  # (1, T, vocab_size)
            loss = torch.nn.functional.cross_entropy(
                logits.flatten(0, 1), labels.flatten(), ignore_index=IGNORE_INDEX
            )
        else:
            loss = model(input_ids=ids, labels=labels).loss
    return float(loss)
