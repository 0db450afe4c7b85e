"""The three families of pre-trained language models, as tiny random models from ``transformers``.

- **Auto-encoder** (encoder only, bidirectional attention): BERT, Devlin et al. (2019),
  "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
  built as ``BertForMaskedLM``.
- **Autoregressive** (decoder only, causal attention): GPT-2, Radford et al. (2019),
  "Language Models are Unsupervised Multitask Learners", built as ``GPT2LMHeadModel``.
- **Sequence-to-sequence** (encoder + decoder with cross-attention): T5, Raffel et al. (2020),
  "Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer",
  built as ``T5ForConditionalGeneration``.

All three descend from the Transformer of Vaswani et al. (2017), "Attention Is All You Need".
They are built from configs with random weights (nothing is downloaded), with the same
width, depth and feed-forward size, so their parameter counts compare. T5 has ``n_layer``
blocks in its encoder *and* ``n_layer`` in its decoder, as in the original models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from transformers import (
    BertConfig,
    BertForMaskedLM,
    GPT2Config,
    GPT2LMHeadModel,
    PreTrainedModel,
    T5Config,
    T5ForConditionalGeneration,
)

from .vocab import WordVocab

__all__ = ["FAMILIES", "Family", "FamilyConfig", "build_model", "count_parameters"]

Family = Literal["bert", "gpt", "t5"]
FAMILIES: tuple[Family, ...] = ("bert", "gpt", "t5")


@dataclass(frozen=True)
class FamilyConfig:
    """The size shared by the three tiny models."""

    vocab_size: int  # number of tokens in the vocabulary
    d_model: int = 64  # width of the residual stream (hidden size)
    n_layer: int = 2  # blocks per stack (T5: in the encoder and in the decoder)
    n_head: int = 4  # attention heads per attention layer
    d_ff: int = 256  # inner width of the feed-forward network
    seq_len: int = 64  # longest sequence (learned position embeddings of BERT and GPT-2)
    pad_id: int = 0  # id of the padding token (T5 also starts its decoder with it)
    eos_id: int = 5  # id of the end-of-sequence token </s>

    def __post_init__(self) -> None:
        if self.d_model % self.n_head:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_head={self.n_head}")

    @classmethod
    def for_vocab(cls, vocab: WordVocab, **sizes: int) -> FamilyConfig:
        """The config for ``vocab`` (its size, padding and end ids), with optional sizes."""
        return cls(vocab_size=len(vocab), pad_id=vocab.pad_id, eos_id=vocab.eos_id, **sizes)


def _bert_config(cfg: FamilyConfig) -> BertConfig:
    return BertConfig(
        vocab_size=cfg.vocab_size,
        hidden_size=cfg.d_model,
        num_hidden_layers=cfg.n_layer,
        num_attention_heads=cfg.n_head,
        intermediate_size=cfg.d_ff,
        max_position_embeddings=cfg.seq_len,
        pad_token_id=cfg.pad_id,
    )


def _gpt_config(cfg: FamilyConfig) -> GPT2Config:
    return GPT2Config(
        vocab_size=cfg.vocab_size,
        n_embd=cfg.d_model,
        n_layer=cfg.n_layer,
        n_head=cfg.n_head,
        n_inner=cfg.d_ff,
        n_positions=cfg.seq_len,
        bos_token_id=cfg.eos_id,
        eos_token_id=cfg.eos_id,
        pad_token_id=cfg.pad_id,
    )


def _t5_config(cfg: FamilyConfig) -> T5Config:
    return T5Config(
        vocab_size=cfg.vocab_size,
        d_model=cfg.d_model,
        d_kv=cfg.d_model // cfg.n_head,
        d_ff=cfg.d_ff,
        num_layers=cfg.n_layer,
        num_decoder_layers=cfg.n_layer,
        num_heads=cfg.n_head,
        feed_forward_proj="relu",
        tie_word_embeddings=True,
        pad_token_id=cfg.pad_id,
        eos_token_id=cfg.eos_id,
        decoder_start_token_id=cfg.pad_id,
    )


def build_model(family: Family, cfg: FamilyConfig, seed: int = 0) -> PreTrainedModel:
    """A tiny randomly initialised model of ``family``, in eval mode (no dropout)."""
    builders = {
        "bert": (_bert_config, BertForMaskedLM),
        "gpt": (_gpt_config, GPT2LMHeadModel),
        "t5": (_t5_config, T5ForConditionalGeneration),
    }
    if family not in builders:
        raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")
    make_config, model_cls = builders[family]
    torch.manual_seed(seed)
    model = model_cls(make_config(cfg))
    if family == "gpt":
        # transformers infers the loss from the class name, which "GPT2LMHeadModel" does not
        # match: it then warns and falls back to this same causal-LM loss. Say it up front.
        model.loss_type = "ForCausalLM"
    return model.eval()


def count_parameters(model: torch.nn.Module) -> int:
    """Number of distinct parameters (tied weights, like the output layer, count once)."""
    return sum(p.numel() for p in model.parameters())
