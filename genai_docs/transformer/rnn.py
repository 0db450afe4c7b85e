"""An LSTM language model of about the mini GPT's size, for the RNN-versus-transformer lesson.

Long short-term memory (Hochreiter & Schmidhuber, 1997): a recurrent network reads the
tokens one after another, carrying a state (h_t, c_t) from step t to step t+1; each layer
has four gates, i.e. 8 * d_model^2 weights, where a transformer block has 12 * d_model^2, so
``lstm_config_like`` uses 1.5 times as many layers to match a GPT's size. Everything else
is shared with the GPT: the tokenizer, the data, the training loop and its loss, tied
input/output embeddings. The step from t to t+1 cannot start before step t ends, which is
what makes recurrent networks slow to train on parallel hardware; attention has no such chain.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_model, save_model
from tokenizers import Tokenizer
from torch import nn

from genai_docs.artifacts import cached_artifact

from . import config as config_module
from . import corpus, tokenizer, train
from .config import COURSE_CONFIG, COURSE_TRAIN, GPTConfig

__all__ = ["LSTMConfig", "LSTMLanguageModel", "load_course_lstm", "lstm_config_like"]


@dataclass(frozen=True)
class LSTMConfig:
    """Shape of the LSTM language model."""

    vocab_size: int = 768  # number of token ids, as the GPT's
    d_model: int = 128  # embedding and hidden-state width
    n_layer: int = 6  # stacked LSTM layers
    dropout: float = 0.0  # dropout between layers


def lstm_config_like(config: GPTConfig) -> LSTMConfig:
    """An LSTM with the GPT's width and about as many parameters (1.5x its layers)."""
    return LSTMConfig(
        vocab_size=config.vocab_size,
        d_model=config.d_model,
        n_layer=max(1, round(1.5 * config.n_layer)),
        dropout=config.dropout,
    )


class LSTMLanguageModel(nn.Module):
    """Embedding, stacked LSTM, LayerNorm, tied output head: same interface as ``GPT``."""

    def __init__(self, config: LSTMConfig) -> None:
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.d_model)
        self.lstm = nn.LSTM(
            config.d_model,
            config.d_model,
            num_layers=config.n_layer,
            batch_first=True,
            dropout=config.dropout if config.n_layer > 1 else 0.0,
        )
        self.ln_f = nn.LayerNorm(config.d_model)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight  # weight tying, as in the GPT
        nn.init.normal_(self.wte.weight, mean=0.0, std=0.02)

    def num_parameters(self) -> int:
        """Number of distinct parameters (the tied head counts once)."""
        return sum(p.numel() for p in self.parameters())

    def forward(
        self, idx: torch.Tensor, targets: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits (B, T, V) for ids ``idx`` (B, T), and the mean cross-entropy if ``targets``."""
        x = self.wte(idx)  # (B, T, C)
        h, _ = self.lstm(x)  # (B, T, C): h[:, t] depends on tokens 0..t only
        logits = self.lm_head(self.ln_f(h))  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=-100)
        return logits, loss


def _build(directory: Path) -> None:
    tok = tokenizer.load_tokenizer()
    torch.manual_seed(COURSE_TRAIN.seed)
    net = LSTMLanguageModel(lstm_config_like(COURSE_CONFIG))
    train.train_model(net, train.encode_stream(tok, "train"), COURSE_TRAIN)
    save_model(net, str(directory / "lstm.safetensors"))
    tok.save(str(directory / "tokenizer.json"))
    (directory / "config.json").write_text(json.dumps(asdict(net.config)))


def load_course_lstm() -> tuple[LSTMLanguageModel, Tokenizer]:
    """The LSTM trained like the course GPT (same data, steps, batches), and its tokenizer.

    The first call trains it (cached on disk afterwards).
    """
    directory = cached_artifact(
        "course-lstm",
        _build,
        key={
            "config": lstm_config_like(COURSE_CONFIG),
            "train": COURSE_TRAIN,
            "corpus": corpus.corpus_text("train"),
        },
        code=[corpus, tokenizer, config_module, train, __file__],
    )
    net = LSTMLanguageModel(LSTMConfig(**json.loads((directory / "config.json").read_text())))
    load_model(net, str(directory / "lstm.safetensors"))
    net.eval()
    return net, Tokenizer.from_file(str(directory / "tokenizer.json"))
