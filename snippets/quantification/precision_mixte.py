# Un GPT jouet (2 blocs de largeur 64, bien plus petit que le mini-GPT du cours), mêmes poids de
# départ et mêmes batchs, entraîné cinq fois (autocast sur CPU ; les poids maîtres restent en
# fp32). « Perte × 2⁻¹³ » : la perte est multipliée par 2⁻¹³ = 512 / 4 194 304 avant la
# rétropropagation, ce qui donne aux gradients d'activation la taille qu'ils auraient avec un
# batch de 4 M de tokens (celui de Llama 2) au lieu de nos 8 × 64 = 512. En fp32 et en bf16,
# ce facteur ne change rien au calcul (l'epsilon d'AdamW est multiplié d'autant).
import matplotlib.pyplot as plt
import torch

from genai_docs.figures import french_ticks
from genai_docs.french import number, percent, scientific
from genai_docs.quantization import (
    MixedPrecisionConfig,
    train_mixed_precision,
    underflow_by_layer,
)
from genai_docs.transformer import encode_split, load_tokenizer
from genai_docs.transformer.train import get_batch
from genai_docs.values import claim, publish

donnees = encode_split(load_tokenizer(), "train")
PETIT = 2.0**-13
essais = {  # libellé : (précision, multiplicateur de la perte)
    "fp32, perte × 2⁻¹³": ("fp32", PETIT),
    "bf16, perte × 2⁻¹³": ("bf16", PETIT),
    "fp16, perte telle quelle": ("fp16", 1.0),
    "fp16, perte × 2⁻¹³": ("fp16", PETIT),
    "fp16 + GradScaler, perte × 2⁻¹³": ("fp16 + GradScaler", PETIT),
}
runs, modeles = {}, {}
for nom, (mode, facteur) in essais.items():
    cfg = MixedPrecisionConfig(steps=60, loss_multiplier=facteur)
    runs[nom], modeles[nom] = train_mixed_precision(mode, donnees, cfg)

fig, ax = plt.subplots(figsize=(8, 4.2))
styles = ["-", "-.", ":", "--", (0, (1, 3))]
for (nom, run), style in zip(runs.items(), styles, strict=True):
    ax.plot(range(1, cfg.steps + 1), run.losses, linestyle=style, label=nom, linewidth=1.6)
ax.set_xlabel("pas d'entraînement")
ax.set_ylabel("perte d'entraînement (entropie croisée)")
ax.set_title("Gradients 2¹³ fois plus petits : sans mise à l'échelle, le fp16 décroche")
ax.legend(fontsize=8)
fig.tight_layout()
french_ticks(fig)

fin = {nom: sum(run.losses[-10:]) / 10 for nom, run in runs.items()}  # moyenne des 10 derniers
print("| essai | perte finale (10 derniers pas) | gradients d'activation nuls, dernier pas |")
print("| --- | ---: | ---: |")
for nom, run in runs.items():
    print(f"| {nom} | {number(fin[nom], 3)} | {percent(run.activation_zeros, 1)} |")

# Le mécanisme, couche par couche, sur un pas en fp32 du modèle entraîné : quelle part des
# gradients de sortie de chaque couche tomberait sous le seuil du fp16 (2⁻²⁵) ?
x, y = get_batch(donnees, cfg.batch_size, cfg.seq_len, torch.Generator().manual_seed(1))
couches = underflow_by_layer(modeles["fp32, perte × 2⁻¹³"], x, y, (1.0, PETIT, PETIT * 2**16))
print()
print(
    "| couche | marge de la médiane (divisions par 2) | sous le seuil : perte telle quelle "
    "| leur part de la norme² | perte × 2⁻¹³ | perte × 2⁻¹³ × 2¹⁶ (GradScaler) |"
)
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for c in couches:
    print(
        f"| `{c.name}` | {number(c.median_margin, 1)} | {percent(c.shares[0], 2)} "
        f"| {scientific(c.norm_shares[0], 2)} | {percent(c.shares[1], 1)} | {percent(c.shares[2], 2)} |"
    )

ref = runs["fp32, perte × 2⁻¹³"].losses
ecarts = {
    nom: max(abs(a - b) for a, b in zip(run.losses, ref, strict=True))
    for nom, run in runs.items()
    if nom != "fp16, perte × 2⁻¹³"
}
echec = fin["fp16, perte × 2⁻¹³"] - fin["fp32, perte × 2⁻¹³"]
claim("mp_fp16_echoue", echec > 1.0, f"perte finale : {number(echec, 2)} de plus qu'en fp32 (> 1)")
claim(
    "mp_autres_suivent",
    max(ecarts.values()) < 0.05,
    "écart maximal au fp32, sur toute la courbe : "
    + " ; ".join(f"{nom} {number(e, 3)}" for nom, e in ecarts.items())
    + " (< 0,05)",
)
cachees = [c for c in couches if c.name != "lm_head"]
marges = [c.median_margin for c in cachees]
norme_perdue = max(c.norm_shares[0] for c in couches)
part_min = min(c.shares[1] for c in couches)
claim(
    "mp_marge",
    min(marges) > 3,
    f"marges des couches cachées : {number(min(marges), 1)} à {number(max(marges), 1)}",
)
tete = couches[-1]
claim(
    "mp_tete_perd",
    tete.name == "lm_head"
    and tete.shares[0] > 0.1
    and tete.shares[0] == max(c.shares[0] for c in couches),
    f"{tete.name} : {percent(tete.shares[0], 1)}, la plus forte part des couches",
)
claim(
    "mp_norme_infime",
    norme_perdue < 1e-5,
    f"part de la norme² perdue, au plus : {scientific(norme_perdue, 2)}",
)
claim(
    "mp_petit_perd",
    part_min > 0.4,
    f"à 2⁻¹³, chaque couche perd au moins {percent(part_min, 1)} (> 40 %)",
)
publish("mp_pas", cfg.steps)
publish("mp_perte_fp32", fin["fp32, perte × 2⁻¹³"], 2)
publish("mp_perte_fp16", fin["fp16, perte × 2⁻¹³"], 2)
publish("mp_ecart_max", max(ecarts.values()), 3)
publish("mp_marge_min", min(marges), 1)
publish("mp_marge_max", max(marges), 1)
publish("mp_norme_max", scientific(norme_perdue, 1))
publish("mp_part_min", percent(part_min, 0))
publish("mp_tete_perdue", percent(couches[-1].shares[0], 0))
publish("mp_zeros_fp16_petit", percent(runs["fp16, perte × 2⁻¹³"].activation_zeros, 1))
