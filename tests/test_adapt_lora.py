"""LoRA layers (Hu et al., 2021): exact start, merging, what trains, how many parameters.

Tolerances (float32): a merged layer or model matches the unmerged one within 1e-5 absolute;
with B at zero the adapted output equals the base output exactly (adding exact zeros).
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from genai_docs.adapt import (
    ATTENTION_AND_MLP,
    LoRALinear,
    add_lora,
    lora_state_dict,
    measured_peak,
    merge_lora,
    trainable_parameters,
)
from genai_docs.transformer import GPT, GPTConfig

TINY = GPTConfig(vocab_size=61, seq_len=16, n_layer=2, n_head=2, d_model=16)


def _gpt(seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    return GPT(TINY).eval()


def _randomise_b(net: nn.Module, seed: int = 1) -> None:
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, LoRALinear):
                module.lora_B.copy_(torch.randn(module.lora_B.shape, generator=generator) * 0.1)


def test_parameter_count_matches_the_formula_on_a_small_layer() -> None:
    # d_in = 6, d_out = 4, r = 2: A is 2 x 6 (12 numbers), B is 4 x 2 (8): r (d_in + d_out) = 20
    layer = LoRALinear(nn.Linear(6, 4), rank=2)
    assert layer.lora_A.shape == (2, 6) and layer.lora_B.shape == (4, 2)
    assert trainable_parameters(layer) == 20 == 2 * (6 + 4)
    assert sum(p.numel() for p in layer.parameters() if not p.requires_grad) == 6 * 4 + 4


def test_parameter_count_of_a_gpt_with_adapters() -> None:
    net = _gpt()
    d = TINY.d_model
    names = add_lora(net, rank=3)
    assert len(names) == 4 * TINY.n_layer  # c_attn, attn.c_proj, c_fc, mlp.c_proj per block
    per_block = (d + 3 * d) + (d + d) + (d + 4 * d) + (4 * d + d)  # sum of d_in + d_out
    assert trainable_parameters(net) == 3 * per_block * TINY.n_layer


def test_zero_b_gives_the_base_output_exactly() -> None:
    torch.manual_seed(0)
    base = nn.Linear(8, 5)
    x = torch.randn(3, 7, 8)
    assert torch.equal(LoRALinear(base, rank=4)(x), base(x))
    net = _gpt()
    idx = torch.randint(0, TINY.vocab_size, (2, TINY.seq_len))
    before = net(idx)[0]
    add_lora(net, rank=4)
    assert torch.equal(net(idx)[0], before)


def test_merged_layer_and_model_match_unmerged() -> None:
    torch.manual_seed(0)
    layer = LoRALinear(nn.Linear(8, 5), rank=2, alpha=6.0)  # scale 3
    with torch.no_grad():
        layer.lora_B.normal_()
    x = torch.randn(4, 8)
    merged = layer.merged()
    assert isinstance(merged, nn.Linear)
    torch.testing.assert_close(merged(x), layer(x), atol=1e-5, rtol=0)
    net = _gpt()
    add_lora(net, rank=4, targets=(*ATTENTION_AND_MLP, "lm_head"))
    _randomise_b(net)
    idx = torch.randint(0, TINY.vocab_size, (2, TINY.seq_len))
    with torch.no_grad():
        adapted = net(idx)[0]
        assert (adapted - _gpt()(idx)[0]).abs().max() > 1e-3  # the adapters do change it
        merge_lora(net)
        assert not any(isinstance(m, LoRALinear) for m in net.modules())
        torch.testing.assert_close(net(idx)[0], adapted, atol=1e-5, rtol=0)
    # merging the tied head's adapter unties it: the head gets weights of its own
    assert net.num_parameters() == _gpt().num_parameters() + TINY.vocab_size * TINY.d_model


def test_merging_blocks_only_keeps_the_base_shape() -> None:
    net = _gpt()
    add_lora(net, rank=2)
    _randomise_b(net)
    merge_lora(net)
    assert net.num_parameters() == _gpt().num_parameters()
    assert net.lm_head.weight is net.wte.weight  # still tied


def test_alpha_scales_the_update() -> None:
    torch.manual_seed(0)
    base = nn.Linear(8, 5)
    x = torch.randn(2, 8)
    one = LoRALinear(base, rank=2, generator=torch.Generator().manual_seed(3))
    two = LoRALinear(base, rank=2, alpha=4.0, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        one.lora_B.fill_(0.5)
        two.lora_B.fill_(0.5)
    torch.testing.assert_close(two(x) - base(x), 2 * (one(x) - base(x)))


def test_only_a_and_b_train() -> None:
    net = _gpt()
    add_lora(net, rank=2)
    trainable = [name for name, p in net.named_parameters() if p.requires_grad]
    assert trainable and all(name.endswith(("lora_A", "lora_B")) for name in trainable)
    frozen = {k: v.clone() for k, v in net.state_dict().items() if "lora_" not in k}
    optimizer = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=1e-2)
    idx = torch.randint(0, TINY.vocab_size, (2, TINY.seq_len))
    net.train()
    for _ in range(2):
        _, loss = net(idx, idx)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    state = net.state_dict()
    assert all(torch.equal(state[k], v) for k, v in frozen.items())
    assert any(state[k].abs().sum() > 0 for k in state if k.endswith("lora_B"))
    assert set(lora_state_dict(net)) == {k for k in state if k.endswith(("lora_A", "lora_B"))}


def test_adapters_are_seeded() -> None:
    a, b = _gpt(), _gpt()
    add_lora(a, rank=2, seed=5)
    add_lora(b, rank=2, seed=5)
    assert all(
        torch.equal(x, y)
        for x, y in zip(lora_state_dict(a).values(), lora_state_dict(b).values(), strict=True)
    )


def test_bad_uses_are_refused() -> None:
    with pytest.raises(ValueError, match="rank"):
        LoRALinear(nn.Linear(4, 4), rank=0)
    net = _gpt()
    add_lora(net, rank=2)
    with pytest.raises(ValueError, match="already"):
        add_lora(net, rank=2)
    with pytest.raises(ValueError, match="no nn.Linear"):
        add_lora(_gpt(), rank=2, targets=("nowhere",))


def test_measured_peak_accepts_frozen_weights() -> None:
    """MemTracker hooks every parameter's gradient; frozen ones must not break it, and LoRA's
    step keeps far fewer optimizer states than full fine-tuning."""
    full = measured_peak(_gpt(), batch_size=2, seq_len=8)
    net = _gpt()
    add_lora(net, rank=2)
    lora = measured_peak(net, batch_size=2, seq_len=8)
    assert 0 < lora["peak"] < full["peak"]
    assert lora["parts"]["opt"] < full["parts"]["opt"] / 4
    assert 2 * 4 * trainable_parameters(net) <= lora["parts"]["opt"]  # two fp32 moments each
