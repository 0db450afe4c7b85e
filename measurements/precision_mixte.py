"""Tokens per second of a training step: fp32, bf16 autocast, fp16 with a GradScaler.

The speed-up that mixed precision promises comes from the GPU's tensor cores: it shows on a
model big enough for them to matter. A GPT-2-small-sized model of the course's own GPT
class (12 blocks of width 768, 1024 positions), random tokens, AdamW; ten timed steps after
three of warm-up, per mode. "fp32" means true fp32 matmuls (tf32 off).
"""

from __future__ import annotations

from _common import cuda_time, run

DEPENDS = ["genai_docs/transformer/model.py", "genai_docs/transformer/config.py"]


def measure(device: str, dry_run: bool) -> dict:
    import contextlib

    import torch

    from genai_docs.transformer import GPT, GPTConfig

    if dry_run:
        config, batch, repeat = GPTConfig(vocab_size=256, seq_len=32, n_layer=1, d_model=32), 2, 2
    else:
        config = GPTConfig(vocab_size=50304, seq_len=1024, n_layer=12, n_head=12, d_model=768)
        batch, repeat = 8, 10
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    modes = {}
    for mode in ("fp32", "bf16", "fp16"):
        torch.manual_seed(0)
        model = GPT(config).to(device)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=device == "cuda")
        scaler = torch.amp.GradScaler(device, enabled=mode == "fp16")
        dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(mode)
        x = torch.randint(0, config.vocab_size, (batch, config.seq_len), device=device)

        def step(model=model, optimizer=optimizer, scaler=scaler, dtype=dtype, x=x) -> None:
            autocast = torch.autocast(device, dtype=dtype) if dtype else contextlib.nullcontext()
            with autocast:
                _, loss = model(x, x)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            optimizer.zero_grad(set_to_none=True)

        for _ in range(2):  # two more steps of warm-up (the timer adds a third)
            step()
        seconds = cuda_time(step, device, repeat)
        modes[mode] = {"seconds_per_step": seconds, "tokens_per_step": batch * config.seq_len}
        del model, optimizer
        if device == "cuda":
            torch.cuda.empty_cache()
    return {
        "config": {"n_layer": config.n_layer, "d_model": config.d_model, "seq_len": config.seq_len,
                   "vocab_size": config.vocab_size, "batch_size": batch},
        "modes": modes,
    }  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(run("precision_mixte", measure))
