"""Training: a seeded, deterministic loop, held-out evaluation, and the cached course model.

The objective is causal language modelling: at every position, the cross-entropy
-log p(x_{t+1} | x_1..x_t) of the next token, averaged over positions (its exponential is
the perplexity). The optimiser is AdamW (Loshchilov & Hutter, 2019) with a linear warm-up
then a cosine decay of the learning rate, and gradient-norm clipping, as in nanoGPT.

Determinism: the weights are initialised after ``torch.manual_seed(seed)`` and batches are
drawn from a ``torch.Generator`` seeded with the same ``seed``, so on one machine the same
configuration gives the same losses, step for step.

The course model (``COURSE_CONFIG``, ``COURSE_TRAIN``) trains in a minute or two on 2 CPU
cores; it is built once and cached as safetensors files by ``genai_docs.artifacts``,
keyed by its configurations, the corpus and this code. Weights are kept at a few steps
(``COURSE_TRAIN.checkpoints``) so that a page can compare an under-trained model with the
trained one.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_model, save_model
from tokenizers import Tokenizer
from torch import nn
from tqdm.auto import tqdm

from genai_docs.artifacts import cached_artifact, report_progress

from . import config as config_module
from . import corpus, model, tokenizer
from .config import COURSE_CONFIG, COURSE_TRAIN, GPTConfig, TrainConfig
from .model import GPT
from .tokenizer import EOS, load_tokenizer

__all__ = [
    "TokenStream",
    "TrainResult",
    "course_checkpoints",
    "course_losses",
    "course_record",
    "encode_split",
    "encode_stream",
    "evaluate_loss",
    "get_batch",
    "held_out_perplexity",
    "load_course_model",
    "lr_at",
    "train_model",
]


@dataclass
class TrainResult:
    """What a training run leaves: the loss at every step and the kept weights."""

    losses: list[float] = field(default_factory=list)  # training loss before each update
    checkpoints: dict[int, dict[str, torch.Tensor]] = field(default_factory=dict)  # step -> weights


@dataclass(frozen=True)
class TokenStream:
    """A corpus part as one stream of token ids, and where its paragraphs start."""

    ids: torch.Tensor  # (N,) every paragraph's ids, each followed by EOS
    paragraphs: torch.Tensor  # (P,) offset of every paragraph's first token in ids
    stories: torch.Tensor  # (S,) offsets of the story paragraphs (see corpus.is_story)


def encode_stream(tok: Tokenizer, split: str = "train") -> TokenStream:
    """The corpus part ``split`` as one stream of ids, with its paragraph and story offsets."""
    eos = tok.token_to_id(EOS)
    lines = corpus.corpus_text(split).splitlines()
    ids: list[int] = []
    paragraphs: list[int] = []
    stories: list[int] = []
    for line, encoding in zip(lines, tok.encode_batch(lines), strict=True):
        paragraphs.append(len(ids))
        if corpus.is_story(line):
            stories.append(len(ids))
        ids.extend(encoding.ids)
        ids.append(eos)
    as_tensor = lambda values: torch.tensor(values, dtype=torch.long)  # noqa: E731
    return TokenStream(as_tensor(ids), as_tensor(paragraphs), as_tensor(stories))


def encode_split(tok: Tokenizer, split: str = "train") -> torch.Tensor:
    """The corpus part ``split`` as one stream of ids (N,), paragraphs separated by EOS."""
    return encode_stream(tok, split).ids


def get_batch(
    data: torch.Tensor,
    batch_size: int,
    seq_len: int,
    generator: torch.Generator,
    anchors: Sequence[tuple[torch.Tensor, int]] = (),
) -> tuple[torch.Tensor, torch.Tensor]:
    """Windows of ``data``: inputs (B, T) and the next tokens as targets (B, T).

    For each ``(offsets, n)`` of ``anchors``, ``n`` windows start at one of ``offsets``
    (paragraph starts, say); the other windows start anywhere.
    """
    last = len(data) - seq_len  # a window of T + 1 tokens starts before this
    picks = []
    for offsets, n in anchors:
        allowed = offsets[offsets < last]  # (S,)
        picks.append(allowed[torch.randint(len(allowed), (n,), generator=generator)])  # (n,)
    rest = batch_size - sum(n for _, n in anchors)
    picks.append(torch.randint(last, (rest,), generator=generator))  # (rest,)
    starts = torch.cat(picks)  # (B,)
    offsets = torch.arange(seq_len + 1)  # (T + 1,)
    windows = data[starts[:, None] + offsets]  # (B, T + 1)
    return windows[:, :-1], windows[:, 1:]  # (B, T), (B, T)


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Learning rate at ``step``: linear warm-up to ``lr``, then cosine decay to ``min_lr``."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * min(1.0, progress)))


def _optimizer(net: nn.Module, cfg: TrainConfig) -> torch.optim.AdamW:
    # weight decay on matrices only (not on biases, LayerNorm gains or the LSTM's biases)
    decay = [p for p in net.parameters() if p.dim() >= 2]
    no_decay = [p for p in net.parameters() if p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, 0.95))


def _quiet() -> bool:
    """Inside the docs build (or when asked), no progress bar."""
    return os.environ.get("GENAI_DOCS_EXEC") == "1" or os.environ.get("TQDM_DISABLE") == "1"


def train_model(
    net: nn.Module,
    data: torch.Tensor | TokenStream,
    cfg: TrainConfig,
    on_step: Callable[[int, float], None] | None = None,
) -> TrainResult:
    """Train ``net`` (any module with ``forward(idx, targets) -> (logits, loss)``) on ``data``.

    ``data`` is a stream of ids, or a :class:`TokenStream` when ``cfg`` asks for windows
    that start at paragraphs or stories (``paragraph_windows``, ``story_windows``).

    Weights are copied into the result at the steps listed in ``cfg.checkpoints`` (step s:
    after s updates). ``on_step(step, loss)`` is called after every update. A progress bar
    shows in a terminal, never inside the docs build.
    """
    anchors = []
    if isinstance(data, TokenStream):
        anchors = [
            (data.paragraphs, round(cfg.paragraph_windows * cfg.batch_size)),
            (data.stories, round(cfg.story_windows * cfg.batch_size)),
        ]
        data = data.ids
    elif cfg.paragraph_windows or cfg.story_windows:
        raise ValueError("paragraph_windows and story_windows need a TokenStream (encode_stream)")
    generator = torch.Generator().manual_seed(cfg.seed)
    optimizer = _optimizer(net, cfg)
    result = TrainResult()

    def keep(step: int) -> None:
        if step in cfg.checkpoints:
            result.checkpoints[step] = {k: v.detach().clone() for k, v in net.state_dict().items()}

    net.train()
    keep(0)
    bar = tqdm(range(cfg.steps), desc="entraînement", disable=True if _quiet() else None)
    for step in bar:
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, cfg)
        x, y = get_batch(data, cfg.batch_size, cfg.seq_len, generator, anchors)  # (B, T), (B, T)
        _, loss = net(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip > 0:
            nn.utils.clip_grad_norm_(net.parameters(), cfg.grad_clip)
        optimizer.step()
        result.losses.append(loss.item())
        bar.set_postfix(perte=f"{result.losses[-1]:.3f}", refresh=False)
        keep(step + 1)
        report_progress(step + 1, cfg.steps)  # shown in the docs build's log, if building
        if on_step is not None:
            on_step(step + 1, result.losses[-1])
    net.eval()
    return result


@torch.no_grad()
def evaluate_loss(net: nn.Module, data: torch.Tensor, seq_len: int, batch_size: int = 32) -> float:
    """Mean next-token cross-entropy over ``data`` cut into consecutive windows (nats)."""
    was_training = net.training
    net.eval()
    n_windows = (len(data) - 1) // seq_len
    x = data[: n_windows * seq_len].view(n_windows, seq_len)  # (N, T)
    y = data[1 : n_windows * seq_len + 1].view(n_windows, seq_len)  # (N, T)
    total = 0.0
    for i in range(0, n_windows, batch_size):
        _, loss = net(x[i : i + batch_size], y[i : i + batch_size])
        total += loss.item() * len(x[i : i + batch_size])
    net.train(was_training)
    return total / n_windows


def held_out_perplexity(
    net: nn.Module, tok: Tokenizer, seq_len: int = COURSE_TRAIN.seq_len
) -> float:
    """exp(mean cross-entropy) of ``net`` on the corpus' held-out part."""
    return math.exp(evaluate_loss(net, encode_split(tok, "valid"), seq_len))


# --- the course model -----------------------------------------------------------------------

_CODE = [corpus, tokenizer, config_module, model, __file__]


def _build_course(directory: Path, on_step: Callable[[int, float], None] | None = None) -> None:
    tok = load_tokenizer()
    if tok.get_vocab_size() > COURSE_CONFIG.vocab_size:
        raise ValueError(
            f"tokenizer has {tok.get_vocab_size()} tokens > {COURSE_CONFIG.vocab_size}"
        )
    torch.manual_seed(COURSE_TRAIN.seed)
    net = GPT(COURSE_CONFIG)
    start = time.perf_counter()
    result = train_model(net, encode_stream(tok, "train"), COURSE_TRAIN, on_step=on_step)
    seconds = time.perf_counter() - start
    for step, state in result.checkpoints.items():
        net.load_state_dict(state)
        save_model(net, str(directory / f"step_{step}.safetensors"))
    tok.save(str(directory / "tokenizer.json"))
    meta = {
        "config": asdict(COURSE_CONFIG),
        "train": asdict(COURSE_TRAIN),
        "losses": result.losses,
        "seconds": round(seconds, 1),  # on the machine that trained it
        "threads": torch.get_num_threads(),
    }
    (directory / "training.json").write_text(json.dumps(meta, indent=1))


def course_dir(on_step: Callable[[int, float], None] | None = None) -> Path:
    """The directory of the trained course model, training it first if it is not cached."""
    return cached_artifact(
        "course-gpt",
        lambda directory: _build_course(directory, on_step),
        key={
            "config": COURSE_CONFIG,
            "train": COURSE_TRAIN,
            "corpus": corpus.corpus_text("train"),
        },
        code=_CODE,
    )


def course_checkpoints() -> tuple[int, ...]:
    """The training steps at which the course model's weights are kept."""
    return tuple(sorted(COURSE_TRAIN.checkpoints))


def course_losses() -> list[float]:
    """The course model's training loss at every step."""
    return course_record()["losses"]


def course_record() -> dict:
    """What the course model's training recorded: its configs, losses, time and threads."""
    return json.loads((course_dir() / "training.json").read_text())


def load_course_model(step: int | None = None) -> tuple[GPT, Tokenizer]:
    """The trained course model (in eval mode) and its tokenizer.

    ``step`` picks an earlier checkpoint, one of ``course_checkpoints()``; None means the
    end of training. The first call trains the model (a minute or two on 2 CPU cores).
    """
    step = COURSE_TRAIN.steps if step is None else step
    if step not in COURSE_TRAIN.checkpoints:
        raise ValueError(f"no checkpoint at step {step}: choose among {course_checkpoints()}")
    directory = course_dir()
    net = GPT(GPTConfig(**json.loads((directory / "training.json").read_text())["config"]))
    load_model(net, str(directory / f"step_{step}.safetensors"))
    net.eval()
    return net, Tokenizer.from_file(str(directory / "tokenizer.json"))
