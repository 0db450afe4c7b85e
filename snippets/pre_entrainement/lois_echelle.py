# Plus grand = meilleur, mais plus cher : la loi d'échelle ajustée par Hoffmann et al. (2022,
# « Chinchilla ») prédit la perte d'un modèle de N paramètres entraîné sur D tokens :
#     L(N, D) = E + A / N^α + B / D^β
# (perte en nats par token sur leur jeu de test ; constantes de leur approche 3).
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from genai_docs.compute import TOKENS_PER_PARAMETER, chinchilla_tokens
from genai_docs.french import number, scientific
from genai_docs.values import publish

E, A, B, alpha, beta = 1.69, 406.4, 410.7, 0.34, 0.28


def perte(n, d):
    return E + A / n**alpha + B / d**beta


def cout(n, d):
    return 6 * n * d  # FLOP d'entraînement : la règle C ≈ 6·N·D de genai_docs.compute


def meilleure_taille(budget):
    """La taille N qui donne la plus petite perte pour un budget de calcul C = 6·N·D."""
    n_possibles = np.logspace(7, 13, 6001)
    pertes = perte(n_possibles, budget / (6 * n_possibles))
    return n_possibles[pertes.argmin()], pertes.min()


print(f"Avec D = {TOKENS_PER_PARAMETER} tokens par paramètre (la proportion de Chinchilla) :\n")
tailles = {
    1e8: "100 millions",
    1e9: "1 milliard",
    1e10: "10 milliards",
    1e11: "100 milliards",
    1e12: "1 000 milliards",
}
print(
    f"{'paramètres N':>16} | {'perte prédite':>13} | {'calcul C (FLOP)':>15} | ÷ ligne précédente"
)
precedent = None
for n, nom in tailles.items():
    c = cout(n, chinchilla_tokens(n))
    ratio = "" if precedent is None else f"× {number(c / precedent)}"
    print(
        f"{nom:>16} | {number(perte(n, chinchilla_tokens(n)), 3):>13} | {scientific(c):>15} | {ratio}"
    )
    precedent = c

# Trois modèles publiés (Hoffmann et al., 2022, tableau 1) : Gopher et Chinchilla ont reçu
# presque le même calcul ; le premier est quatre fois plus gros, le second a lu quatre fois plus.
modeles = {
    "GPT-3": (175e9, 300e9),
    "Gopher": (280e9, 300e9),
    "Chinchilla": (70e9, 1.4e12),
}
print("\nModèles publiés, selon la même loi :")
for nom, (n, d) in modeles.items():
    c = cout(n, d)
    n_opt, perte_opt = meilleure_taille(c)
    print(
        f"    {nom:<10} perte prédite {number(perte(n, d), 3)} ; au même calcul, la meilleure "
        f"taille serait {number(n_opt / 1e9)} milliards ({number(perte_opt, 3)})"
    )

optimal = {n: perte(n, chinchilla_tokens(n)) for n in tailles}  # à 20 tokens par paramètre
for n, nom in [(1e9, "1md"), (1e10, "10md"), (1e11, "100md"), (1e12, "1000md")]:
    publish(f"perte_{nom}", optimal[n], 3)
publish("gain_1md_10md", optimal[1e9] - optimal[1e10], 3)
publish("gain_100md_1000md", optimal[1e11] - optimal[1e12], 3)
gpt3, gopher, chinchilla = (perte(*modeles[nom]) for nom in ("GPT-3", "Gopher", "Chinchilla"))
publish("tokens_par_parametre", TOKENS_PER_PARAMETER)
publish("facteur_taille", 10)
publish(
    "facteur_calcul",
    cout(1e10, chinchilla_tokens(1e10)) / cout(1e9, chinchilla_tokens(1e9)),
)
publish("n_chinchilla", modeles["Chinchilla"][0] / 1e9)
publish("d_chinchilla", modeles["Chinchilla"][1] / 1e9)
publish("n_gopher", modeles["Gopher"][0] / 1e9)
publish("perte_gopher", gopher, 3)
publish("perte_chinchilla", chinchilla, 3)
publish("perte_gpt3", gpt3, 3)
publish("n_optimal_gpt3", meilleure_taille(cout(*modeles["GPT-3"]))[0] / 1e9)
publish("n_optimal_chinchilla", meilleure_taille(cout(*modeles["Chinchilla"]))[0] / 1e9)

fig, ax = plt.subplots(figsize=(8, 4.8), constrained_layout=True)
for n, nom in tailles.items():
    d = np.logspace(8, 14, 200)  # de 100 millions à 100 000 milliards de tokens
    ax.semilogx(cout(n, d), perte(n, d), label=f"N = {nom} de paramètres")
# La frontière : pour chaque budget, la meilleure taille de modèle (la plus basse des courbes).
budgets = np.logspace(17, 27, 200)
ax.semilogx(
    budgets,
    [meilleure_taille(c)[1] for c in budgets],
    "k--",
    label="meilleur modèle pour chaque budget",
)
decalages = {"GPT-3": (-40, 10), "Gopher": (5, 8), "Chinchilla": (-20, -16)}
for nom, (n, d) in modeles.items():
    ax.plot(cout(n, d), perte(n, d), "ko")
    ax.annotate(nom, (cout(n, d), perte(n, d)), textcoords="offset points", xytext=decalages[nom])
ax.set_xlim(1e17, 1e27)
ax.set_ylim(1.7, 4.5)
ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 1)))  # virgule décimale
ax.set_xlabel("calcul d'entraînement C (FLOP, échelle log)")
ax.set_ylabel("perte prédite (nats par token)")
ax.set_title("Loi d'échelle de Chinchilla : chaque taille de modèle finit par plafonner")
ax.legend(fontsize=8)
