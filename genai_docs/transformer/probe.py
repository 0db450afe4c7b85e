"""The long-range probe: does a model retrieve an object named sentences earlier?

A probe story puts an object down, tells ``n_fillers`` unrelated sentences, then ends with
"Plus tard, il a repris son": the next word can only be predicted by looking back to the
first sentence (``corpus.probe_stories`` draws fresh stories, unseen in training). The score
is the share of stories whose object is the model's most likely next token. Guessing from
the last words alone can do little: the stories use 12 objects, and « son » or « sa »
only halves the choice. Copying from far back is what attention makes easy, and what the
lesson on transformers shows.
"""

from __future__ import annotations

import torch
from tokenizers import Tokenizer
from torch import nn

from .corpus import probe_stories

__all__ = ["probe_accuracy"]


@torch.no_grad()
def probe_accuracy(
    net: nn.Module, tok: Tokenizer, n_stories: int = 60, n_fillers: int = 3, seed: int = 1
) -> float:
    """Share of ``n_stories`` probe stories whose object ``net`` puts first (0 to 1)."""
    was_training = net.training
    net.eval()
    right = 0
    for prompt, answer in probe_stories(n_stories, n_fillers, seed):
        ids = torch.tensor([tok.encode(prompt).ids])  # (1, T)
        logits, _ = net(ids)  # (1, T, V)
        right += int(logits[0, -1].argmax().item() == tok.encode(" " + answer).ids[0])
    net.train(was_training)
    return right / n_stories
