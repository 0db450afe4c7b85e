# Neuf façons de décoder, sur les mêmes débuts et les mêmes tirages au hasard :
# diversité, répétition, perplexité et phrases que la grammaire du corpus sait produire.
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from genai_docs import french
from genai_docs.transformer import held_out_perplexity, load_course_model
from genai_docs.transformer.sampling import Decoding
from genai_docs.transformer.text_metrics import rank_correlation, score_decoding
from genai_docs.values import claim, publish
from genai_docs.verdicts import monotonic, series

modele, tokeniseur = load_course_model()
debuts = ["Omar a frappé un", "Hier, Léa a", "Karim a posé son", "Le soir, Marie"]
reglages = {
    "glouton": Decoding(temperature=0.0),
    "τ = 0,5": Decoding(temperature=0.5),
    "τ = 1": Decoding(temperature=1.0),
    "τ = 1,5": Decoding(temperature=1.5),
    "τ = 2": Decoding(temperature=2.0),
    "top-k 5": Decoding(top_k=5),
    "top-p 0,5": Decoding(top_p=0.5),
    "top-p 0,9": Decoding(top_p=0.9),
    "τ = 1,5 + top-p 0,9": Decoding(temperature=1.5, top_p=0.9),
}
# 8 textes de 48 tokens par début, avec la graine 0 pour tous les réglages.
scores = {nom: score_decoding(modele, tokeniseur, debuts, r, n=8, new_tokens=48, seed=0)
          for nom, r in reglages.items()}  # fmt: skip
corpus = held_out_perplexity(modele, tokeniseur)

print(
    "| réglage | diversité (distinct-2) | répétition (seq-rep-4) | perplexité | phrases correctes |"
)
print("|---|---:|---:|---:|---:|")
for nom, s in scores.items():
    print(f"| {nom} | {french.percent(s.distinct_2, 1)} | {french.percent(s.repetition_4, 1)} "
          f"| {french.number(s.perplexity, 2)} | {french.percent(s.grammatical_share, 1)} "
          f"({s.grammatical}/{s.sentences}) |")  # fmt: skip
print(f"\nPerplexité du modèle sur le corpus mis de côté : {french.number(corpus, 2)}.\n")
print("Le premier texte de « Hier, Léa a », réglage par réglage (¶ : fin de paragraphe) :\n")
premier = debuts.index("Hier, Léa a") * 8  # les textes sont rangés début par début
for nom, s in scores.items():
    print(f"- *{nom}* : {s.texts[premier][:150].replace(chr(10), ' ¶ ')}…")

fig, (gauche, droite) = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained")
marques = "ovs^D<P*X"  # une marque par réglage, les mêmes dans les deux graphiques
for (nom, s), marque in zip(scores.items(), marques, strict=True):
    gauche.scatter(s.distinct_2, s.grammatical_share, marker=marque, s=60, label=nom)
    droite.scatter(s.distinct_2, s.perplexity, marker=marque, s=60)
droite.axhline(corpus, color="gray", ls="--", lw=1)
droite.annotate("corpus mis de côté", (0.25, corpus), xycoords=("axes fraction", "data"),
                xytext=(0, 4), textcoords="offset points", color="gray", fontsize=8)  # fmt: skip
droite.set_yscale("log")
droite.set_yticks([2, 3, 5, 10, 20], ["2", "3", "5", "10", "20"])
droite.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
gauche.set_ylabel("phrases que la grammaire du corpus sait produire")
droite.set_ylabel("perplexité des textes sous le modèle (échelle log)")
for ax in (gauche, droite):
    ax.set_xlabel("diversité entre les textes (distinct-2)")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: french.percent(v, 0)))
gauche.yaxis.set_major_formatter(FuncFormatter(lambda v, _: french.percent(v, 0)))
gauche.set_title("Plus de diversité, moins de phrases correctes")
droite.set_title("Plus de diversité, des textes plus surprenants")
fig.legend(loc="outside right center", fontsize=9)

# Les verdicts, calculés sur tous les réglages.
temperatures = [scores[n] for n in ("glouton", "τ = 0,5", "τ = 1", "τ = 1,5", "τ = 2")]
diversite = [s.distinct_2 for s in temperatures]
grammaire = [s.grammatical_share for s in temperatures]
perplexite = [s.perplexity for s in temperatures]
claim("chaleur_diversite", monotonic(diversite) == "increasing", series(diversite, 3))
claim(
    "chaleur_grammaire",
    monotonic(grammaire, tolerance=0.02) == "decreasing",
    f"{series(grammaire, 3)} (aucune hausse de plus de 2 %)",
)
claim("chaleur_perplexite", monotonic(perplexite) == "increasing", series(perplexite, 2))
tous = list(scores.values())
rho = rank_correlation([s.distinct_2 for s in tous], [s.grammatical_share for s in tous])
claim(
    "compromis",
    rho < -0.5,
    f"corrélation de rang sur les 9 réglages : {french.number(rho, 2)} < −0,5",
)
glouton, chaud = scores["glouton"], scores["τ = 2"]
claim(
    "glouton_repete",
    all(
        glouton.repetition_4 > s.repetition_4 and glouton.distinct_2 < s.distinct_2
        for s in tous
        if s is not glouton
    ),  # fmt: skip
    f"glouton : répétition {french.percent(glouton.repetition_4, 1)}, la plus forte ; "
    f"diversité {french.percent(glouton.distinct_2, 1)}, la plus faible",
)
claim(
    "chaud_incorrect",
    all(
        chaud.grammatical_share < s.grammatical_share and chaud.perplexity > s.perplexity
        for s in tous
        if s is not chaud
    ),  # fmt: skip
    f"τ = 2 : {french.percent(chaud.grammatical_share, 1)} de phrases correctes, la plus "
    f"faible part ; perplexité {french.number(chaud.perplexity, 2)}, la plus forte",
)
plus_divers = max(tous, key=lambda s: s.distinct_2)
plus_correct = max(tous, key=lambda s: s.grammatical_share)
claim(
    "aucun_gagnant",
    plus_divers is not plus_correct,
    f"le plus divers ({french.percent(plus_divers.distinct_2, 1)}) a "
    f"{french.percent(plus_divers.grammatical_share, 1)} de phrases correctes",
)
tiede = scores["τ = 1"]
ecart = tiede.perplexity / corpus - 1
claim(
    "tiede_comme_corpus", abs(ecart) < 0.15, f"écart relatif {french.percent(ecart, 1)}, sous 15 %"
)
claim(
    "glouton_previsible",
    glouton.perplexity < corpus,
    f"{french.number(glouton.perplexity, 2)} < {french.number(corpus, 2)}",
)
noyau, brut = scores["τ = 1,5 + top-p 0,9"], scores["τ = 1,5"]
gain = noyau.grammatical_share - brut.grammatical_share
rapport = noyau.distinct_2 / tiede.distinct_2
claim("noyau_repare", gain > 0.15, f"+{french.number(100 * gain, 1)} points de phrases correctes")
claim(
    "noyau_divers",
    abs(rapport - 1) < 0.15,
    f"diversité {french.number(rapport, 2)} fois celle de τ = 1",
)

for nom, s in (("glouton", glouton), ("tiede", tiede), ("chaud", chaud), ("noyau", noyau),
               ("brut", brut)):  # fmt: skip
    publish(f"diversite_{nom}", french.percent(s.distinct_2, 0))
    publish(f"grammaire_{nom}", french.percent(s.grammatical_share, 0))
for nom, s in (("glouton", glouton), ("tiede", tiede), ("chaud", chaud)):
    publish(f"perplexite_{nom}", s.perplexity, 2)
publish("repetition_glouton", french.percent(glouton.repetition_4, 0))
publish("perplexite_corpus", corpus, 2)
publish("rho_compromis", rho, 2)
publish("textes_par_reglage", len(glouton.texts))
