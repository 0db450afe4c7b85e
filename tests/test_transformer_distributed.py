"""The mini GPT trained by 2 processes (torchrun, gloo on CPU): DDP, then FSDP2.

Each rank's parameter, gradient and AdamW bytes must equal the memory calculator's
prediction exactly (ZeRO-0 for DDP, ZeRO-3 for FSDP2, first GPU), and the training loss of
both runs must match a single-process run on the full batch at every step.

The vocabulary here is odd (769 rows), so that FSDP2's two shards of the embedding differ
by one row: rank 0 holds ``ceil(769 / 2) = 385`` rows, which the calculator reports, and
rank 1 holds 384. Measured with 20 steps: the largest relative gap between a run's loss and
the single-process loss was 2e-7 (float32 sums taken in another order); we allow 1e-5.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from genai_docs.transformer.distributed import (
    DIST_CONFIG,
    DIST_TRAIN,
    predicted_bytes,
    run_distributed,
    single_process_losses,
)

CONFIG = replace(DIST_CONFIG, vocab_size=769)  # odd: uneven FSDP2 shards of the embedding
TRAIN = replace(DIST_TRAIN, steps=20)
RTOL = 1e-5  # relative, on every step's loss


@pytest.fixture(scope="module")
def reference() -> list[float]:
    return single_process_losses(CONFIG, TRAIN)


@pytest.fixture(scope="module")
def ddp():
    return run_distributed("ddp", 2, CONFIG, TRAIN)


@pytest.fixture(scope="module")
def fsdp():
    return run_distributed("fsdp", 2, CONFIG, TRAIN)


def _bytes(report) -> dict[str, int]:
    return {"params": report.params, "grads": report.grads, "optimizer": report.optimizer}


def test_ddp_ranks_hold_the_zero0_prediction(ddp) -> None:
    expected = predicted_bytes(CONFIG, n_gpus=2, zero_stage=0)
    assert [r.rank for r in ddp] == [0, 1]
    assert all(r.backend == "gloo" and r.world_size == 2 for r in ddp)
    for report in ddp:
        assert _bytes(report) == expected
    # ZeRO-0: everything replicated, 4 + 4 + 8 bytes per parameter
    params = expected["params"] // 4
    assert expected == {"params": 4 * params, "grads": 4 * params, "optimizer": 8 * params}


def test_fsdp_ranks_hold_the_zero3_prediction(fsdp) -> None:
    expected = predicted_bytes(CONFIG, n_gpus=2, zero_stage=3)
    full = predicted_bytes(CONFIG, n_gpus=1, zero_stage=0)
    rank0, rank1 = (_bytes(r) for r in fsdp)
    assert rank0 == expected  # the calculator reports the first GPU, the largest shards
    # the last shard of the embedding is one row shorter: d_model floats fewer, in each part
    row = 4 * CONFIG.d_model
    assert rank1 == {
        "params": rank0["params"] - row,
        "grads": rank0["grads"] - row,
        "optimizer": rank0["optimizer"] - 2 * row,
    }
    # together the two ranks hold the whole model once
    assert {k: rank0[k] + rank1[k] for k in rank0} == full


@pytest.mark.parametrize("mode", ["ddp", "fsdp"])
def test_losses_match_one_process(mode, reference, request) -> None:
    reports = request.getfixturevalue(mode)
    assert reports[0].losses == reports[1].losses  # one all-reduced value per step
    assert len(reference) == len(reports[0].losses) == TRAIN.steps
    assert reports[0].losses == pytest.approx(reference, rel=RTOL)
    assert reference[-1] < reference[0]  # it did learn something


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="mode"):
        run_distributed("zero")
    with pytest.raises(ValueError, match="nproc"):
        run_distributed("ddp", nproc=0)
    with pytest.raises(ValueError, match="divisible"):
        run_distributed("ddp", nproc=3)
    with pytest.raises(ValueError, match="vocab_size"):
        run_distributed("ddp", config=replace(DIST_CONFIG, vocab_size=100))
