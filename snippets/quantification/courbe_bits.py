# La perplexité du GPT du cours selon le nombre de bits par poids : absmax de 8 à 2 bits, avec
# une échelle par tenseur, par canal ou par groupe. Chaque point est mesuré par la même
# fonction, sur les mêmes 2 048 premiers tokens du texte de validation.
import math

import matplotlib.pyplot as plt
from matplotlib.ticker import FixedLocator, NullLocator

from genai_docs.figures import french_ticks
from genai_docs.french import number, percent
from genai_docs.quantization import (
    block_linear_names,
    perplexity_by_bits,
    quantize_nbits,
)
from genai_docs.transformer import encode_split, load_course_model
from genai_docs.transformer.train import evaluate_loss
from genai_docs.values import claim, publish

net, tok = load_course_model()
texte = encode_split(tok, "valid")[: 2048 + 1]  # 16 fenêtres de 128 tokens


def perplexite(modele) -> float:
    return math.exp(evaluate_loss(modele, texte, 128))


GRANULARITES = (("tensor", 0), ("channel", 0), ("group", 64), ("group", 32), ("group", 16))
NOMS = {("tensor", 0): "par tenseur", ("channel", 0): "par canal"}
NOMS |= {("group", g): f"groupes de {g}" for g in (64, 32, 16)}
BITS = (8, 6, 5, 4, 3, 2)
ref = perplexite(net)
points = perplexity_by_bits(net, perplexite, BITS, GRANULARITES)
hausse = {(p.granularity, p.group_size, p.bits): p.perplexity / ref - 1 for p in points}


def pourcent(h: float) -> str:
    return percent(h, 2 if abs(h) < 0.1 else 1 if abs(h) < 1 else 0)


fig, (ax, zoom) = plt.subplots(1, 2, figsize=(10, 4.2))
for g in GRANULARITES:
    courbe = [p for p in points if (p.granularity, p.group_size) == g]
    x, y = [p.bits_per_weight for p in courbe], [p.perplexity for p in courbe]
    ax.plot(x, y, "o-", label=NOMS[g])
    zoom.plot(x, y, "o-", label=NOMS[g])
for a in (ax, zoom):
    a.axhline(ref, color="grey", linewidth=0.8, linestyle="--", label="fp32")
    a.axhline(1.1 * ref, color="grey", linewidth=0.8, linestyle=":", label="fp32 + 10 %")
    a.set_xlabel("bits par poids, échelles fp16 comprises")
ax.set_yscale("log")
ax.yaxis.set_major_locator(FixedLocator([2.5, 3, 4, 6, 10, 20, 50]))
ax.yaxis.set_minor_locator(NullLocator())
ax.yaxis.set_major_formatter(lambda v, _: number(v, 1 if v % 1 else 0))
ax.set_ylabel("perplexité (échelle logarithmique)")
ax.set_title("Plat jusqu'à 4 bits, puis la falaise")
zoom.set_ylim(0.98 * ref, 1.32 * ref)
zoom.set_ylabel("perplexité")
zoom.set_title("Le même, vu de près")
zoom.legend(fontsize=8)
fig.tight_layout()
french_ticks(fig)

print(
    f"Perplexité en fp32 sur ce texte : {number(ref, 4)}. Écart au fp32 selon les bits par code :\n"
)
print("| bits par code | niveaux | " + " | ".join(NOMS[g] for g in GRANULARITES) + " |")
print("| ---: | ---: |" + " ---: |" * len(GRANULARITES))
for b in BITS:
    cases = " | ".join(pourcent(hausse[(*g, b)]) for g in GRANULARITES)
    print(f"| {b} | {2**b - 1} | {cases} |")

# La falaise, lue sur toute la courbe : pour chaque granularité, le plus grand nombre de bits
# où la perplexité monte de plus de 10 %.
falaise = {g: max((b for b in BITS if hausse[(*g, b)] > 0.10), default=None) for g in GRANULARITES}
plateau = max(abs(hausse[(*g, b)]) for g in GRANULARITES for b in BITS if b >= 4)
a_2_bits = [hausse[(*g, 2)] for g in GRANULARITES]
claim(
    "falaise_2_bits",
    falaise[("tensor", 0)] == 2 and falaise[("channel", 0)] == 2,
    f"plus grand nombre de bits où la hausse dépasse 10 % : {falaise[('tensor', 0)]} par tenseur, "
    f"{falaise[('channel', 0)]} par canal",
)
claim(
    "plateau_4_bits", plateau < 0.01, f"hausse maximale de 4 à 8 bits : {percent(plateau, 2)} < 1 %"
)
claim(
    "tenseur_3_bits",
    hausse[("tensor", 0, 3)] > 3 * plateau,
    f"par tenseur à 3 bits : {percent(hausse[('tensor', 0, 3)], 2)} > 3 × {percent(plateau, 2)}",
)
claim(
    "groupes_fins_amortissent",
    all(a > b for a, b in zip(a_2_bits, a_2_bits[1:], strict=False)),
    "hausse à 2 bits, du tenseur aux groupes de 16 : "
    + " > ".join(percent(h, 1) for h in a_2_bits),
)
tableau = [hausse[("tensor", 0, 8)], hausse[("channel", 0, 8)], hausse[("group", 64, 4)]]
claim(
    "tableau_sur_plateau",
    max(abs(h) for h in tableau) < 0.01 and falaise[("group", 64)] in (None, 2),
    "int8 par tenseur, int8 par canal, int4 par groupes de 64 : "
    + " ; ".join(percent(h, 2) for h in tableau)
    + f" ; falaise des groupes de 64 : {falaise[('group', 64)] or 'aucune'}",
)
publish("courbe_tokens", len(texte) - 1)
publish("courbe_plateau", percent(plateau, 2))
publish("courbe_2_tenseur", number(1 + hausse[("tensor", 0, 2)], 0))
publish("courbe_2_canal", percent(hausse[("channel", 0, 2)], 0))
publish("courbe_2_g16", percent(hausse[("group", 16, 2)], 1))
publish("courbe_3_tenseur", percent(hausse[("tensor", 0, 3)], 1))
publish("courbe_bits_g16_2", number(points[-1].bits_per_weight, 1))
# À 2 bits par tenseur, quelle part des poids tombe sur 0 ?
poids = [net.get_submodule(n).weight.detach() for n in block_linear_names(net)]
zeros = sum(int((quantize_nbits(w, 2, "tensor").dequantize() == 0).sum()) for w in poids)
part_zeros = zeros / sum(w.numel() for w in poids)
claim(
    "deux_bits_zeros", part_zeros > 0.9, f"poids arrondis à 0 : {percent(part_zeros, 1)} (> 90 %)"
)
publish("courbe_2_zeros", percent(part_zeros, 0))
publish("courbe_points", len(points))
