"""Fine-tuning the course GPT on the new domain: all weights, or LoRA adapters only.

Both runs start from the cached course model (``genai_docs.transformer.load_course_model``)
and use the course's own training loop (``genai_docs.transformer.train.train_model``: AdamW,
warm-up then cosine decay, gradient clipping), on windows of the new-domain corpus
(``genai_docs.adapt.corpus``). Full fine-tuning updates every parameter; LoRA (Hu et al.,
2021; ``genai_docs.adapt.lora``) freezes them and trains low-rank adapters on the attention
and MLP matrices. Each run is measured by its held-out perplexity on the new domain and on
the course corpus: the second one measures forgetting.

All runs are built once and cached as one artifact (``finetune_runs``), keyed by the
configuration, the corpus, the course model and this code, so that the lesson's blocks share
them: the fully fine-tuned weights, each LoRA run's adapters (a few hundred kilobytes), and
what every run recorded (losses, perplexities, trainable parameters, seconds).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file, save_model
from safetensors.torch import load_model as load_weights
from tokenizers import Tokenizer
from torch import nn

from genai_docs.artifacts import cached_artifact
from genai_docs.transformer import model as model_module
from genai_docs.transformer import train as train_module
from genai_docs.transformer.config import COURSE_TRAIN, TrainConfig
from genai_docs.transformer.tokenizer import EOS
from genai_docs.transformer.train import (
    course_dir,
    encode_split,
    evaluate_loss,
    load_course_model,
    train_model,
)

from . import corpus, lora
from .corpus import domain_text
from .lora import ATTENTION_AND_MLP, add_lora, lora_state_dict, trainable_parameters

__all__ = [
    "ADAPT",
    "AdaptConfig",
    "WITH_HEAD",
    "continuation_probability",
    "encode_domain",
    "finetune_runs",
    "load_finetuned",
    "perplexities",
    "run_record",
]


@dataclass(frozen=True)
class AdaptConfig:
    """The fine-tuning runs of the lesson: one recipe, several ways of training."""

    steps: int = 80  # optimizer steps of every run
    batch_size: int = 4  # windows per step
    seq_len: int = 64  # tokens per window (a domain paragraph is about 50 tokens)
    warmup_steps: int = 10  # linear warm-up, then cosine decay to a tenth of the peak
    full_lr: float = 1e-3  # peak learning rate when every weight is trained
    lora_lr: float = 5e-3  # peak learning rate of the adapters (LoRA usually wants more)
    rank: int = 8  # the LoRA run of the comparison table
    ranks: tuple[int, ...] = (1, 2, 4, 8, 16)  # the ranks of the rank curve (alpha = rank)
    eval_seq_len: int = COURSE_TRAIN.seq_len  # windows of held-out evaluation, as the course's
    seed: int = 0  # seeds the batches' order and the adapters' initialisation

    def train_config(self, lr: float) -> TrainConfig:
        """The course loop's configuration for a run at peak learning rate ``lr``."""
        return TrainConfig(
            steps=self.steps,
            batch_size=self.batch_size,
            seq_len=self.seq_len,
            lr=lr,
            min_lr=lr / 10,
            warmup_steps=self.warmup_steps,
            seed=self.seed,
        )


# Chosen on this corpus (80 steps of 4 x 64 tokens: 20,480 tokens, a quarter of the domain's
# training part), held-out perplexities (new domain, course corpus) from (1.3 M, 2.59):
# all weights at lr 1e-3 -> (30, 6.3), at 2e-3 -> (18, 25); LoRA r = 8 at 5e-3 -> (204, 5.9),
# at 1e-2 with alpha = 32 -> (170, 73); r = 8 with the head -> (36, 8.3). With alpha = rank,
# learning and forgetting both grow with the rank; with alpha fixed at 8 (Hu et al.'s
# choice), every rank gives about 200. Even r = 128 (full rank) stays near 150: the frozen
# head is the limit, not the rank. Longer runs learn to spell the new words (all weights,
# 250 steps at a constant 1e-3: 2.9, "la fusée vers Mars") but forget far more (course: 70),
# and cost more than a docs build affords: the seven runs take about 25 s on one core.
ADAPT = AdaptConfig()

# LoRA on the attention and MLP matrices and on the output head (tied to the embeddings)
WITH_HEAD = (*ATTENTION_AND_MLP, "lm_head")


def encode_domain(tok: Tokenizer, split: str = "train") -> torch.Tensor:
    """The new-domain corpus part ``split`` as one stream of ids (N,), paragraphs separated
    by the end-of-text token, as ``genai_docs.transformer.encode_split`` does for the course's."""
    eos = tok.token_to_id(EOS)
    ids: list[int] = []
    for encoding in tok.encode_batch(domain_text(split).splitlines()):
        ids.extend(encoding.ids)
        ids.append(eos)
    return torch.tensor(ids, dtype=torch.long)


def perplexities(net: nn.Module, tok: Tokenizer, cfg: AdaptConfig = ADAPT) -> dict[str, float]:
    """Held-out perplexities of ``net``: on the new domain and on the course corpus."""
    return {
        "domain": math.exp(evaluate_loss(net, encode_domain(tok, "valid"), cfg.eval_seq_len)),
        "course": math.exp(evaluate_loss(net, encode_split(tok, "valid"), cfg.eval_seq_len)),
    }


@torch.no_grad()
def continuation_probability(
    net: nn.Module, tok: Tokenizer, prompt: str, continuation: str
) -> float:
    """P(continuation | prompt): the product of the probabilities of its tokens, one by one.

    A word the tokenizer cuts into three pieces has the probability of its first piece after
    the prompt, times that of the second after the first, and so on.
    """
    context = tok.encode(prompt).ids
    ids = tok.encode(prompt + continuation).ids
    if ids[: len(context)] != context:
        raise ValueError(
            f"{continuation!r} merges with the end of {prompt!r}: start it with a space"
        )
    logits, _ = net(torch.tensor(ids)[None])  # (1, T, V)
    log_probs = logits[0].log_softmax(dim=-1)  # (T, V)
    positions = torch.arange(len(context), len(ids))  # the continuation's tokens
    return math.exp(log_probs[positions - 1, torch.tensor(ids)[positions]].sum().item())


def _run(
    name: str, targets: tuple[str, ...] | None, rank: int, directory: Path, cfg: AdaptConfig
) -> dict:
    """Fine-tune a fresh copy of the course model; save its weights; return its record."""
    net, tok = load_course_model()
    if targets is None:
        lr = cfg.full_lr
    else:
        lr = cfg.lora_lr
        add_lora(net, rank, targets=targets, seed=cfg.seed)
    start = time.perf_counter()
    result = train_model(net, encode_domain(tok, "train"), cfg.train_config(lr))
    seconds = time.perf_counter() - start
    if targets is None:
        save_model(net, str(directory / f"{name}.safetensors"))
    else:
        save_file(lora_state_dict(net), str(directory / f"{name}.safetensors"))
    return {
        "trainable": trainable_parameters(net),
        "losses": result.losses,
        "seconds": round(seconds, 2),
        **perplexities(net, tok, cfg),
    }


def _build(directory: Path, cfg: AdaptConfig) -> None:
    net, tok = load_course_model()
    runs = {"base": {"trainable": 0, **perplexities(net, tok, cfg)}}
    runs["full"] = _run("full", None, 0, directory, cfg)
    for rank in cfg.ranks:
        runs[f"lora_{rank}"] = _run(f"lora_{rank}", ATTENTION_AND_MLP, rank, directory, cfg)
    runs["lora_head"] = _run("lora_head", WITH_HEAD, cfg.rank, directory, cfg)
    meta = {"config": asdict(cfg), "runs": runs, "threads": torch.get_num_threads()}
    (directory / "runs.json").write_text(json.dumps(meta, indent=1))


def finetune_runs(cfg: AdaptConfig = ADAPT) -> Path:
    """The directory of the lesson's fine-tuning runs, training them first if not cached."""
    if cfg.rank not in cfg.ranks:
        raise ValueError(f"rank {cfg.rank} must be one of the ranks {cfg.ranks}")
    return cached_artifact(
        "adapt-runs",
        lambda directory: _build(directory, cfg),
        key={"config": cfg, "domain": domain_text("train"), "course": course_dir().name},
        code=[corpus, lora, __file__, train_module, model_module],
    )


def run_record(cfg: AdaptConfig = ADAPT) -> dict:
    """What the runs recorded: ``{"config", "runs": {name: {...}}, "threads"}``.

    Run names: ``"base"`` (the course model, not trained further), ``"full"``,
    ``"lora_<rank>"`` for each rank, and ``"lora_head"`` (rank ``cfg.rank``, with the head).
    """
    return json.loads((finetune_runs(cfg) / "runs.json").read_text())


def load_finetuned(name: str, cfg: AdaptConfig = ADAPT) -> tuple[nn.Module, Tokenizer]:
    """A fine-tuned model (in eval mode) and its tokenizer: ``"base"``, ``"full"``,
    ``"lora_<rank>"`` (adapters not merged) or ``"lora_head"``."""
    directory = finetune_runs(cfg)
    net, tok = load_course_model()
    if name == "base":
        return net, tok
    path = directory / f"{name}.safetensors"
    if not path.exists():
        raise ValueError(f"no run named {name!r}: see run_record()['runs']")
    if name == "full":
        load_weights(net, str(path))
    else:
        rank = cfg.rank if name == "lora_head" else int(name.removeprefix("lora_"))
        add_lora(net, rank, targets=WITH_HEAD if name == "lora_head" else ATTENTION_AND_MLP)
        missing, unexpected = net.load_state_dict(load_file(str(path)), strict=False)
        if unexpected or any(key.endswith(("lora_A", "lora_B")) for key in missing):
            raise ValueError(f"{path.name} does not hold the adapters of run {name!r}")
    return net.eval(), tok
