"""A GPT-2-style decoder-only transformer, small enough to read in one sitting.

References: Vaswani et al., "Attention Is All You Need" (2017) for scaled dot-product
attention, softmax(Q K^T / sqrt(d_head) + M) V with a causal mask M; Radford et al.,
"Language Models are Unsupervised Multitask Learners" (GPT-2, 2019) for pre-norm blocks,
the tanh approximation of GELU and tied input/output embeddings; nanoGPT's ``model.py``
(Karpathy) for the layout. The parameter names mirror Hugging Face's ``GPT2LMHeadModel``
(``c_attn``, ``c_proj``, ``c_fc``, ``ln_1``...), so weights copy across one to one
(see ``genai_docs.transformer.hf``): the two models give the same logits.

Shapes: B batch, T sequence length, C = d_model, nh heads, hs = C / nh, V vocabulary.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .config import GPTConfig

__all__ = ["GPT", "Block", "CausalSelfAttention", "MLP"]


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position t only sees positions <= t."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.dropout = config.dropout
        self.c_attn = nn.Linear(config.d_model, 3 * config.d_model)  # q, k, v in one matmul
        self.c_proj = nn.Linear(config.d_model, config.d_model)
        self.resid_dropout = nn.Dropout(config.dropout)

    def forward(
        self, x: torch.Tensor, return_attention: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        B, T, C = x.shape  # (B, T, C)
        q, k, v = self.c_attn(x).split(C, dim=2)  # 3 x (B, T, C)
        hs = C // self.n_head
        q = q.view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        weights = None
        if return_attention:
            # The explicit path, step by step, kept for figures: same result as below.
            scores = q @ k.transpose(-2, -1) / math.sqrt(hs)  # (B, nh, T, T)
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()  # (T, T)
            scores = scores.masked_fill(~mask, float("-inf"))  # (B, nh, T, T)
            weights = scores.softmax(dim=-1)  # (B, nh, T, T), each row sums to 1
            y = F.dropout(weights, self.dropout, self.training) @ v  # (B, nh, T, hs)
        else:
            p = self.dropout if self.training else 0.0
            y = F.scaled_dot_product_attention(
                q, k, v, dropout_p=p, is_causal=True
            )  # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C): heads side by side
        return self.resid_dropout(self.c_proj(y)), weights  # (B, T, C)


class MLP(nn.Module):
    """Position-wise feed-forward network: C -> 4C -> GELU (tanh approximation) -> C."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.d_model, 4 * config.d_model)
        self.gelu = nn.GELU(approximate="tanh")  # GPT-2's "gelu_new"
        self.c_proj = nn.Linear(4 * config.d_model, config.d_model)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))  # (B, T, C)


class Block(nn.Module):
    """A pre-norm transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.d_model, eps=config.layer_norm_eps)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.d_model, eps=config.layer_norm_eps)
        self.mlp = MLP(config)

    def forward(
        self, x: torch.Tensor, return_attention: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        a, weights = self.attn(self.ln_1(x), return_attention)
        x = x + a  # (B, T, C)
        x = x + self.mlp(self.ln_2(x))  # (B, T, C)
        return x, weights


class GPT(nn.Module):
    """Token and position embeddings, ``n_layer`` blocks, a final LayerNorm, a tied head."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.d_model)  # token embeddings
        self.wpe = nn.Embedding(config.seq_len, config.d_model)  # position embeddings
        self.drop = nn.Dropout(config.dropout)
        self.h = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.d_model, eps=config.layer_norm_eps)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight  # weight tying (Press & Wolf, 2017)
        self.apply(self._init_weights)
        # GPT-2: scale the residual projections by 1/sqrt(2 * n_layer)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def num_parameters(self) -> int:
        """Number of distinct parameters (the tied head counts once)."""
        return sum(p.numel() for p in self.parameters())

    def forward(
        self,
        idx: torch.Tensor,
        targets: torch.Tensor | None = None,
        return_attention: bool = False,
    ) -> (
        tuple[torch.Tensor, torch.Tensor | None]
        | tuple[torch.Tensor, torch.Tensor | None, list[torch.Tensor]]
    ):
        """Logits (B, T, V) for token ids ``idx`` (B, T), and the mean cross-entropy.

        ``targets`` (B, T) holds the id that should follow each position (-100: ignored);
        the loss is None without it. With ``return_attention`` a third value is returned:
        the attention weights of every layer, a list of ``n_layer`` tensors (B, nh, T, T).
        """
        B, T = idx.shape  # (B, T)
        if self.config.seq_len < T:
            raise ValueError(f"sequence of {T} tokens is longer than seq_len={self.config.seq_len}")
        pos = torch.arange(T, device=idx.device)  # (T,)
        x = self.drop(self.wte(idx) + self.wpe(pos))  # (B, T, C)
        attentions = []
        for block in self.h:
            x, weights = block(x, return_attention)  # (B, T, C)
            if weights is not None:
                attentions.append(weights)
        logits = self.lm_head(self.ln_f(x))  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=-100)
        if return_attention:
            return logits, loss, attentions
        return logits, loss
