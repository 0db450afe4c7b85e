"""The ``genai-docs train`` and ``genai-docs generate`` commands (the course's mini GPT).

Heavy imports (torch, tokenizers) happen inside the commands, so ``genai-docs --help``
stays fast.
"""

from __future__ import annotations

import argparse
import sys
import time

from genai_docs import french
from genai_docs.errors import UsageError

__all__ = ["register"]


def _train(args: argparse.Namespace) -> int:
    from .config import COURSE_CONFIG, COURSE_TRAIN
    from .train import course_dir, held_out_perplexity, load_course_model

    every = max(1, COURSE_TRAIN.steps // 10)
    interactive = sys.stderr.isatty()  # a progress bar shows there; otherwise print lines

    def on_step(step: int, loss: float) -> None:
        if not interactive and (step % every == 0 or step == COURSE_TRAIN.steps):
            print(f"pas {step}/{COURSE_TRAIN.steps} : perte {french.number(loss, 3)}", flush=True)

    print(
        f"Modèle du cours : {COURSE_CONFIG.n_layer} couches, {COURSE_CONFIG.n_head} têtes, "
        f"d_model={COURSE_CONFIG.d_model}, seq_len={COURSE_CONFIG.seq_len}, "
        f"{COURSE_TRAIN.steps} pas de {COURSE_TRAIN.batch_size} séquences.",
        flush=True,
    )
    start = time.perf_counter()
    trained = []
    directory = course_dir(on_step=lambda s, loss: (trained.append(s), on_step(s, loss)))
    if trained:
        print(f"Entraîné en {french.number(time.perf_counter() - start, 1)} s.")
    else:
        print("Déjà entraîné : modèle lu depuis le cache.")
    print(f"Fichiers : {directory}")
    net, tok = load_course_model()
    print(f"Paramètres : {french.number(net.num_parameters())}")
    print(f"Perplexité sur la partie réservée : {french.number(held_out_perplexity(net, tok), 3)}")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from .train import course_checkpoints

    if not args.prompt.strip():
        raise UsageError('the prompt is empty: give a start of sentence, e.g. "Omar a frappé un"')
    if args.top_k < 1:
        raise UsageError(f"--top-k must be at least 1, got {args.top_k}")
    if args.temperature < 0:
        raise UsageError(f"--temperature must be >= 0, got {args.temperature}")
    if args.max_new_tokens < 0:
        raise UsageError(f"--max-new-tokens must be >= 0, got {args.max_new_tokens}")
    if args.step is not None and args.step not in course_checkpoints():
        choices = ", ".join(map(str, course_checkpoints()))
        raise UsageError(f"no checkpoint at step {args.step}: choose among {choices}")

    from .generate import complete, top_k_next_tokens
    from .train import load_course_model

    net, tok = load_course_model(args.step)
    print(f"Invite : « {args.prompt} »")
    print(f"Les {args.top_k} tokens suivants les plus probables :")
    for rank, (text, p) in enumerate(top_k_next_tokens(net, tok, args.prompt, args.top_k), 1):
        print(f"  {rank}. {text!r:<16} {french.percent(p):>8}")
    if args.max_new_tokens:
        text = complete(
            net, tok, args.prompt, args.max_new_tokens, args.temperature, args.top_k, args.seed
        )
        print(f"Suite tirée (température {args.temperature}, top-k {args.top_k}) :")
        print(f"  {text}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``train`` and ``generate`` sub-commands."""
    train = subparsers.add_parser(
        "train",
        help="entraîner le mini GPT du cours (une à deux minutes sur CPU)",
        description="Entraîne le mini GPT du cours sur le corpus français, ou le relit du cache.",
    )
    train.set_defaults(func=_train)

    gen = subparsers.add_parser(
        "generate",
        help="compléter une phrase avec le mini GPT du cours",
        description="Affiche les tokens suivants les plus probables, puis une suite tirée au sort.",
    )
    gen.add_argument("prompt", help='début de phrase, par exemple "Omar a frappé un"')
    gen.add_argument(
        "--top-k",
        type=int,
        default=5,
        help="nombre de candidats affichés, et du tirage (défaut : 5)",
    )
    gen.add_argument("--temperature", type=float, default=1.0, help="température (défaut : 1.0)")
    gen.add_argument(
        "--max-new-tokens", type=int, default=20, help="longueur maximale de la suite (défaut : 20)"
    )
    gen.add_argument("--seed", type=int, default=0, help="graine du tirage (défaut : 0)")
    gen.add_argument(
        "--step", type=int, default=None, help="point de contrôle (pas d'entraînement)"
    )
    gen.set_defaults(func=_generate)
