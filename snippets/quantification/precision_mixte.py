# Le même mini-GPT (2 blocs, d_model = 64), les mêmes poids de départ et les mêmes batchs,
# entraîné quatre fois : en fp32, en fp16 sans mise à l'échelle de la perte, en fp16 avec
# GradScaler, en bf16 (autocast sur CPU ; les poids maîtres restent en fp32).
import matplotlib.pyplot as plt
import torch

from genai_docs.french import number, percent, scientific
from genai_docs.quantization import (
    MODES,
    MixedPrecisionConfig,
    train_mixed_precision,
    underflow_fraction,
)
from genai_docs.transformer import encode_split, load_tokenizer
from genai_docs.transformer.train import get_batch
from genai_docs.values import publish

donnees = encode_split(load_tokenizer(), "train")
cfg = MixedPrecisionConfig()
runs, modeles = {}, {}
for mode in MODES:
    runs[mode], modeles[mode] = train_mixed_precision(mode, donnees, cfg)

fig, (ax, ecart) = plt.subplots(1, 2, figsize=(10, 4))
styles = {"fp32": "-", "fp16": "--", "fp16 + GradScaler": ":", "bf16": "-."}
pas = range(1, cfg.steps + 1)
for mode, run in runs.items():
    ax.plot(pas, run.losses, styles[mode], label=mode, linewidth=1.5)
    difference = [p - r for p, r in zip(run.losses, runs["fp32"].losses, strict=True)]
    ecart.plot(pas, difference, styles[mode], label=mode, linewidth=1.2)
ax.set_xlabel("pas d'entraînement")
ax.set_ylabel("perte d'entraînement (entropie croisée)")
ax.set_title("Les quatre courbes se superposent")
ax.legend()
ecart.set_xlabel("pas d'entraînement")
ecart.set_ylabel("perte − perte en fp32")
ecart.set_title("Écart à la course en fp32")
ecart.axhline(0, color="grey", linewidth=0.5)
fig.tight_layout()

print("| précision | perte finale | pas sautés | échelle finale | gradients d'activation nuls |")
print("| --- | ---: | ---: | ---: | ---: |")
for mode, run in runs.items():
    print(
        f"| {mode} | {number(run.losses[-1], 3)} | {run.skipped_steps} "
        f"| {number(run.final_scale)} | {percent(run.activation_zeros, 2)} |"
    )

# Le mécanisme, lu sur un pas en fp32 du modèle entraîné : quelle part des gradients
# d'activation tomberait sous le seuil de fp16 (2⁻²⁵), et quelle part de la norme ils portent ?
x, y = get_batch(donnees, cfg.batch_size, cfg.seq_len, torch.Generator().manual_seed(1))
sans, norme_sans = underflow_fraction(modeles["fp32"], x, y, scale=1.0)
avec, norme_avec = underflow_fraction(modeles["fp32"], x, y, scale=2.0**16)
print()
print("| sur un pas en fp32 | valeurs sous le seuil de fp16 | part de la norme² du gradient |")
print("| --- | ---: | ---: |")
print(f"| perte telle quelle | {percent(sans, 1)} | {scientific(norme_sans)} |")
print(f"| perte × 2¹⁶ (GradScaler) | {percent(avec, 2)} | {scientific(norme_avec)} |")

publish("mp_pas", cfg.steps)
publish("mp_zeros_fp16", percent(runs["fp16"].activation_zeros, 1))
publish("mp_zeros_fp16_echelle", percent(runs["fp16 + GradScaler"].activation_zeros, 2))
publish("mp_zeros_fp32", percent(runs["fp32"].activation_zeros, 2))
publish("mp_sous_seuil", percent(sans, 1))
publish("mp_sous_seuil_norme", scientific(norme_sans, 2))
publish("mp_ecart_max", max(abs(r.losses[-1] - runs["fp32"].losses[-1]) for r in runs.values()), 3)
