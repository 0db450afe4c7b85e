"""Tests of genai_docs.pretraining: parameter counts, attention masks, objectives, losses."""

from __future__ import annotations

import math

import pytest
import torch

from genai_docs.pretraining import (
    COURSE_SENTENCE,
    FAMILIES,
    IGNORE_INDEX,
    FamilyConfig,
    build_course_vocab,
    build_model,
    causal_lm_example,
    count_parameters,
    family_masks,
    masked_lm_example,
    measured_dependencies,
    objective_loss,
    random_spans_noise_mask,
    span_corruption_example,
    split_words,
)

VOCAB = build_course_vocab()
WORDS = VOCAB.encode(COURSE_SENTENCE)
SIZES = [
    {},  # the lesson's default: d_model=64, n_layer=2, n_head=4, d_ff=256, seq_len=64
    {"d_model": 48, "n_layer": 3, "n_head": 2, "d_ff": 80, "seq_len": 40},
]


def closed_form_parameters(family: str, cfg: FamilyConfig) -> int:
    """Parameter count from the config alone, written out by hand.

    With V = vocab_size, P = seq_len, d = d_model, f = d_ff, L = n_layer:

    - one BERT or GPT-2 block: Q, K, V, output projections 4(d² + d), two LayerNorms 2·2d,
      feed-forward (d·f + f) + (f·d + d): 4d² + 2df + 9d + f.
    - GPT-2: V·d + P·d (embeddings) + L·block + 2d (final LayerNorm); the output layer is
      tied to the token embedding.
    - BERT: V·d + P·d + 2d (token type embeddings) + 2d (embedding LayerNorm) + L·block
      + MLM head (d² + d dense, 2d LayerNorm, V output bias; weight tied).
    - T5 (no biases, RMSNorm has a weight only, d_kv·n_head = d): encoder block 4d² + 2df + 2d,
      decoder block (self + cross-attention) 8d² + 2df + 3d, 32 relative position buckets ×
      n_head in the first block of each stack, one final norm d per stack, V·d shared and tied.
    """
    V, P, d, f, L, h = cfg.vocab_size, cfg.seq_len, cfg.d_model, cfg.d_ff, cfg.n_layer, cfg.n_head
    block = 4 * d * d + 2 * d * f + 9 * d + f
    if family == "gpt":
        return V * d + P * d + L * block + 2 * d
    if family == "bert":
        return V * d + P * d + 2 * d + 2 * d + L * block + (d * d + d) + 2 * d + V
    if family == "t5":
        enc_block = 4 * d * d + 2 * d * f + 2 * d
        dec_block = 8 * d * d + 2 * d * f + 3 * d
        n_buckets = 32
        return V * d + L * enc_block + L * dec_block + 2 * n_buckets * h + 2 * d
    raise ValueError(family)


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("family", FAMILIES)
def test_parameter_count_matches_closed_form(family, sizes):
    cfg = FamilyConfig.for_vocab(VOCAB, **sizes)
    model = build_model(family, cfg)
    assert count_parameters(model) == closed_form_parameters(family, cfg)


def test_tied_output_layer_counts_once():
    cfg = FamilyConfig.for_vocab(VOCAB)
    for family in FAMILIES:
        model = build_model(family, cfg)
        out = model.get_output_embeddings().weight
        assert out.data_ptr() == model.get_input_embeddings().weight.data_ptr(), family


def test_config_rejects_indivisible_heads():
    with pytest.raises(ValueError, match="divisible"):
        FamilyConfig(vocab_size=10, d_model=10, n_head=4)


def test_split_words_keeps_elisions_and_punctuation():
    assert split_words("Marie l'a rattrapé jusqu'au portail.") == [
        "Marie", "l'", "a", "rattrapé", "jusqu'", "au", "portail", ".",
    ]  # fmt: skip
    assert VOCAB.id("<unk>") not in WORDS  # every word of the lesson's sentence is known


# --- attention masks -------------------------------------------------------------------


def test_mask_patterns():
    masks = family_masks("t5", seq_len=5, tgt_len=3)
    assert masks["encoder"].shape == (5, 5) and masks["encoder"].all()
    assert masks["cross"].shape == (3, 5) and masks["cross"].all()
    dec = masks["decoder"]
    assert dec.shape == (3, 3)
    for i in range(3):
        for j in range(3):
            assert dec[i, j] == (j <= i)
    assert torch.equal(family_masks("gpt", 4)["decoder"], torch.tril(torch.ones(4, 4)).bool())
    assert family_masks("bert", 4)["encoder"].all()


@pytest.mark.parametrize("family", FAMILIES)
def test_models_really_apply_their_masks(family):
    """Replacing token j moves exactly the outputs the mask says may see j.

    Outputs that must not move stay within 1e-6; those that must move change by more
    than 1e-4, so both thresholds give the same matrix.
    """
    model = build_model(family, FamilyConfig.for_vocab(VOCAB))
    ids = torch.tensor(WORDS[:7])
    dec_ids = torch.tensor(WORDS[7:12]) if family == "t5" else None
    expected = family_masks(family, len(ids), None if dec_ids is None else len(dec_ids))
    for atol in (1e-6, 1e-4):
        measured = measured_dependencies(model, ids, dec_ids, atol=atol)
        assert measured.keys() == expected.keys()
        for name in expected:
            assert torch.equal(measured[name], expected[name]), (family, name, atol)


# --- objectives ------------------------------------------------------------------------


def test_masked_lm_labels_only_at_masked_positions():
    for seed in range(20):
        ex = masked_lm_example(VOCAB, WORDS, generator=torch.Generator().manual_seed(seed))
        original = torch.tensor([VOCAB.id("[CLS]"), *WORDS, VOCAB.id("[SEP]")])
        chosen = torch.zeros(len(original), dtype=torch.bool)
        chosen[ex.chosen] = True
        assert chosen.sum() == round(0.15 * len(WORDS))
        assert not chosen[0] and not chosen[-1]  # [CLS] and [SEP] are never masked
        assert (ex.labels[~chosen] == IGNORE_INDEX).all()
        assert torch.equal(ex.labels[chosen], original[chosen])
        assert torch.equal(ex.input_ids[~chosen], original[~chosen])


def test_masked_lm_80_10_10_split():
    """Over ~3,000 chosen tokens the shares are 80/10/10 within 3 points (about 4 sigma)."""
    words = [VOCAB.word_ids[i % len(VOCAB.word_ids)] for i in range(1000)]
    g = torch.Generator().manual_seed(0)
    n_mask = n_kept = n_total = 0
    for _ in range(20):
        ex = masked_lm_example(VOCAB, words, generator=g)
        got, want = ex.input_ids[ex.chosen], ex.labels[ex.chosen]
        n_mask += int((got == VOCAB.mask_id).sum())
        n_kept += int((got == want).sum())
        n_total += len(ex.chosen)
    # a random replacement can draw the original word (1 chance in len(word_ids)): tiny
    assert abs(n_mask / n_total - 0.8) < 0.03
    assert abs(n_kept / n_total - 0.1) < 0.03
    assert abs(1 - (n_mask + n_kept) / n_total - 0.1) < 0.03


def test_causal_lm_labels_are_shifted_inputs():
    ex = causal_lm_example(VOCAB, WORDS)
    assert ex.input_ids[-1] == VOCAB.eos_id
    assert torch.equal(ex.labels[:-1], ex.input_ids[1:])
    assert ex.labels[-1] == IGNORE_INDEX


def test_causal_lm_loss_matches_transformers_internal_shift():
    model = build_model("gpt", FamilyConfig.for_vocab(VOCAB))
    ex = causal_lm_example(VOCAB, WORDS)
    with torch.no_grad():
        hf = model(input_ids=ex.input_ids[None], labels=ex.input_ids[None]).loss
    assert objective_loss(model, ex) == pytest.approx(float(hf), abs=1e-6)


@pytest.mark.parametrize("length", [10, 36, 200])
def test_noise_mask_counts(length):
    for seed in range(10):
        g = torch.Generator().manual_seed(seed)
        mask = random_spans_noise_mask(length, generator=g, roll=False)
        n_noise = round(0.15 * length)
        assert mask.sum() == n_noise
        assert not mask[0] and mask[-1]  # T5's original recipe: starts clean, ends on noise
        n_spans = int((mask[1:] & ~mask[:-1]).sum())
        assert n_spans == max(1, round(n_noise / 3))
        rolled = random_spans_noise_mask(length, generator=g)
        assert rolled.sum() == n_noise


def _fill_sentinels(inputs: list[int], targets: list[int]) -> list[int]:
    """Put each span of the target back in place of its sentinel in the input."""
    spans: dict[int, list[int]] = {}
    current = None
    for tok in targets:
        if tok in SENTINELS:
            current = tok
            spans[current] = []
        elif tok != VOCAB.eos_id:
            spans[current].append(tok)
    out: list[int] = []
    for tok in inputs:
        out.extend(spans[tok] if tok in SENTINELS else [tok])
    return out


SENTINELS = {VOCAB.sentinel_id(k) for k in range(8)}


def test_span_corruption_uses_sentinels_and_rebuilds_the_sentence():
    for seed in range(20):
        ex = span_corruption_example(VOCAB, WORDS, generator=torch.Generator().manual_seed(seed))
        inputs, targets = ex.input_ids.tolist(), ex.labels.tolist()
        assert inputs[-1] == VOCAB.eos_id and targets[-1] == VOCAB.eos_id
        in_sentinels = [t for t in inputs if t in SENTINELS]
        out_sentinels = [t for t in targets if t in SENTINELS]
        k = len(in_sentinels)
        assert in_sentinels == [VOCAB.sentinel_id(i) for i in range(k)]
        assert out_sentinels == [VOCAB.sentinel_id(i) for i in range(k + 1)]  # plus a last one
        assert targets[0] == VOCAB.sentinel_id(0) and targets[-2] == VOCAB.sentinel_id(k)
        assert len(targets) - (k + 2) == round(0.15 * len(WORDS))  # hidden words
        assert _fill_sentinels(inputs, targets)[:-1] == WORDS


# --- losses of random models -----------------------------------------------------------


def _examples(family: str, seed: int):
    g = torch.Generator().manual_seed(seed)
    if family == "bert":
        return masked_lm_example(VOCAB, WORDS, generator=g)
    if family == "gpt":
        return causal_lm_example(VOCAB, WORDS)
    return span_corruption_example(VOCAB, WORDS, generator=g)


def _blind_loss(model, ex) -> float:
    """The loss these logits give on average over all possible targets (logsumexp - mean).

    It is what a model that knows nothing about the target scores; a random model's loss
    on its real labels should be close to it.
    """
    with torch.no_grad():
        extra = {"labels": ex.labels[None]} if model.config.model_type == "t5" else {}
        logits = model(input_ids=ex.input_ids[None], **extra).logits[0]
    if model.config.model_type in ("gpt2", "bert"):
        logits = logits[ex.labels != IGNORE_INDEX]  # positions with a label
    return float((logits.logsumexp(-1) - logits.mean(-1)).mean())


@pytest.mark.parametrize("family", FAMILIES)
def test_random_model_loss_is_near_log_vocab(family):
    """A random model's loss on its objective, averaged over 8 seeds, is finite and near ln V.

    BERT and GPT-2 initialise weights with std 0.02: their logits are nearly flat (std about
    0.16), so the loss is within 0.1 of ln(vocab_size). T5's tied embeddings have std 1 and a
    random T5 already favours the token its decoder just read, so its loss sits higher: it
    must be within 1.5 of ln V, and within 0.3 of the blind loss of the same logits.
    """
    cfg = FamilyConfig.for_vocab(VOCAB)
    losses, blind = [], []
    for seed in range(8):
        model = build_model(family, cfg, seed=seed)
        ex = _examples(family, seed)
        loss = objective_loss(model, ex)
        assert math.isfinite(loss)
        losses.append(loss)
        blind.append(_blind_loss(model, ex))
    mean_loss, mean_blind = sum(losses) / 8, sum(blind) / 8
    log_v = math.log(len(VOCAB))
    assert abs(mean_loss - mean_blind) < 0.3
    assert abs(mean_loss - log_v) < (1.5 if family == "t5" else 0.1)
