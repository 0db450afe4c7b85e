"""Time of a training step, LSTM against transformer, as the sequence grows (Transformers).

The course's GPT and an LSTM of about the same size, random tokens, AdamW; batch of 32,
lengths 128 to 1024. The LSTM runs its time steps one after the other (cuDNN), the
transformer all positions at once.
"""

from __future__ import annotations

from _common import cuda_time, run

DEPENDS = [
    "genai_docs/transformer/model.py",
    "genai_docs/transformer/rnn.py",
    "genai_docs/transformer/config.py",
]


def measure(device: str, dry_run: bool) -> dict:
    import torch

    from genai_docs.transformer import GPT, GPTConfig, LSTMLanguageModel, lstm_config_like

    lengths, batch, repeat = ([16, 32], 2, 2) if dry_run else ([128, 256, 512, 1024], 32, 10)
    rows = []
    for seq_len in lengths:
        row = {"seq_len": seq_len}
        gpt = GPT(GPTConfig(seq_len=seq_len)).to(device)
        lstm = LSTMLanguageModel(lstm_config_like(gpt.config)).to(device)
        for name, model in (("transformer", gpt), ("lstm", lstm)):
            optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
            x = torch.randint(0, model.config.vocab_size, (batch, seq_len), device=device)

            def step(model=model, optimizer=optimizer, x=x) -> None:
                _, loss = model(x, x)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()

            row[name] = cuda_time(step, device, repeat)
            row[f"{name}_parameters"] = sum(p.numel() for p in model.parameters())
        rows.append(row)
    return {"batch_size": batch, "rows": rows}


if __name__ == "__main__":
    raise SystemExit(run("rnn_transformer", measure))
