"""The ``genai-docs train`` and ``genai-docs generate`` commands."""

from __future__ import annotations

import pytest
import torch

from genai_docs.cli import main
from genai_docs.transformer import GPT, GPTConfig, corpus_text, train_tokenizer
from genai_docs.transformer import train as train_module


@pytest.fixture
def tiny_course(monkeypatch):
    """Stand in a tiny random model for the course model: the CLI logic, not the training."""
    tok = train_tokenizer(corpus_text("train").splitlines()[:300], vocab_size=300)
    torch.manual_seed(0)
    net = GPT(GPTConfig(vocab_size=300, seq_len=32, n_layer=1, n_head=2, d_model=16)).eval()
    calls = []

    def fake_load(step=None):
        calls.append(step)
        return net, tok

    monkeypatch.setattr(train_module, "load_course_model", fake_load)
    return calls


def test_generate_prints_candidates_and_a_completion(tiny_course, capsys) -> None:
    args = ["generate", "Omar a frappé un", "--top-k", "3", "--max-new-tokens", "5"]
    assert main([*args, "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "« Omar a frappé un »" in out
    assert out.count("\u00a0%") == 3  # French: a no-break space before %
    assert "  1. " in out and "  3. " in out and "  4. " not in out
    assert "Omar a frappé un" in out.splitlines()[-1]
    assert main([*args, "--seed", "1"]) == 0
    assert capsys.readouterr().out == out  # same seed, same text
    assert main([*args, "--step", "10", "--max-new-tokens", "0"]) == 0
    assert tiny_course[-1] == 10
    assert "Suite" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "  "], "prompt is empty"),
        (["generate", "Omar", "--top-k", "0"], "--top-k"),
        (["generate", "Omar", "--temperature", "-1"], "--temperature"),
        (["generate", "Omar", "--max-new-tokens", "-3"], "--max-new-tokens"),
        (["generate", "Omar", "--step", "7"], "no checkpoint at step 7"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tiny_course, capsys, args, message) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert tiny_course == []  # rejected before loading anything


@pytest.mark.parametrize("args", [["generate"], ["generate", "x", "--top-k", "deux"]])
def test_argparse_errors_exit_2(args, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_course_model_completes_the_course_example(capsys) -> None:
    """The real thing, through the artifact cache (trains once, about two minutes, if absent)."""
    assert main(["train"]) == 0
    out = capsys.readouterr().out
    assert "Perplexité sur la partie réservée" in out
    perplexity = float(out.split("réservée : ")[1].split()[0].replace(",", "."))  # French
    assert 1.0 < perplexity < 5.0
    assert main(["generate", "Omar a frappé un", "--max-new-tokens", "0"]) == 0
    first = capsys.readouterr().out.splitlines()[2]
    assert "' ballon'" in first
    assert float(first.split()[-2].replace(",", ".")) > 50.0


def test_course_model_retrieves_a_distant_object() -> None:
    """The long-range probe the Transformers lesson shows: the trained model copies the
    object put down sentences earlier (chance is below 20 %); uses the cached model."""
    from genai_docs.transformer import load_course_model, probe_accuracy

    net, tok = load_course_model()
    assert probe_accuracy(net, tok, n_stories=40, n_fillers=3) > 0.7
