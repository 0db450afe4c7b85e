"""Sharding for real: FSDP2 (``fully_shard``) on 2 CPU processes (gloo) against ZeRO-3.

The test launches this file with ``python -m torch.distributed.run --nproc-per-node 2``;
each rank measures the bytes of its parameter, gradient and optimizer-state shards after
one AdamW step and writes them to a JSON file. They must equal the calculator's ZeRO-3
prediction for 2 GPUs exactly (the first GPU's share; FSDP2 pads the last one).
"""

import json
import os
import subprocess
import sys
from pathlib import Path


def _config():
    from transformers import LlamaConfig

    # an odd vocabulary (1001 rows) so that the two shards differ by one row
    return LlamaConfig(
        hidden_size=64,
        intermediate_size=176,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        vocab_size=1001,
        max_position_embeddings=128,
        tie_word_embeddings=False,
    )


def _worker(out_dir: str) -> None:
    import torch
    import torch.distributed as dist
    from torch.distributed.fsdp import fully_shard
    from transformers import AutoModelForCausalLM

    dist.init_process_group("gloo")
    rank = dist.get_rank()
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(_config())
    for layer in model.model.layers:
        fully_shard(layer)
    fully_shard(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    ids = torch.randint(0, 1001, (2, 16))
    model(input_ids=ids, labels=ids).loss.backward()
    optimizer.step()

    def local_bytes(tensor):
        local = tensor.to_local() if hasattr(tensor, "to_local") else tensor
        return local.numel() * local.element_size()

    params = list(model.parameters())
    result = {
        "params": sum(local_bytes(p) for p in params),
        "grads": sum(local_bytes(p.grad) for p in params),
        "optimizer": sum(
            local_bytes(v)
            for p in params
            for k, v in optimizer.state[p].items()
            if k in ("exp_avg", "exp_avg_sq")
        ),
    }
    Path(out_dir, f"rank{rank}.json").write_text(json.dumps(result))
    dist.destroy_process_group()


def test_fsdp2_shards_match_zero3(tmp_path):
    from genai_docs.memory import TrainingConfig, estimate_training, model_shape

    env = {**os.environ, "OMP_NUM_THREADS": "1", "GENAI_DOCS_FSDP_OUT": str(tmp_path)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2"]
    cmd += ["--master-port", "29517", __file__]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rank0 = json.loads((tmp_path / "rank0.json").read_text())
    rank1 = json.loads((tmp_path / "rank1.json").read_text())

    shape = model_shape(_config(), "fsdp-test")
    cfg = TrainingConfig(precision="fp32", optimizer="adamw", zero_stage=3, n_gpus=2)
    parts = estimate_training(shape, cfg).setting["sharded_states"]
    assert rank0 == {
        "params": parts["weights"],
        "grads": parts["gradients"],
        "optimizer": parts["optimizer"],
    }
    # the two ranks together hold the whole model, once
    assert rank0["params"] + rank1["params"] == 4 * shape.params
    assert rank1["params"] < rank0["params"]


if __name__ == "__main__":
    _worker(os.environ["GENAI_DOCS_FSDP_OUT"])
