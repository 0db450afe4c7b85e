# Plus grand = meilleur, mais plus cher : la loi d'échelle ajustée par Hoffmann et al. (2022,
# « Chinchilla ») prédit la perte d'un modèle de N paramètres entraîné sur D tokens :
#     L(N, D) = E + A / N^α + B / D^β
# (perte en nats par token sur leur jeu de test ; constantes de leur approche 3).
import matplotlib.pyplot as plt
import numpy as np

from genai_docs.compute import chinchilla_tokens

E, A, B, alpha, beta = 1.69, 406.4, 410.7, 0.34, 0.28


def perte(n, d):
    return E + A / n**alpha + B / d**beta


def cout(n, d):
    return 6 * n * d  # FLOP d'entraînement, règle C ≈ 6·N·D


print("Avec D = 20 tokens par paramètre (la proportion que recommande Chinchilla) :\n")
tailles = {
    1e8: "100 millions",
    1e9: "1 milliard",
    1e10: "10 milliards",
    1e11: "100 milliards",
    1e12: "1 000 milliards",
}
print(
    f"{'paramètres N':>16} | {'perte prédite':>13} | {'coût C (FLOP)':>13} | coût ÷ ligne précédente"
)
precedent = None
for n, nom in tailles.items():
    c = cout(n, chinchilla_tokens(n))
    ratio = "" if precedent is None else f"× {c / precedent:.0f}"
    print(f"{nom:>16} | {perte(n, chinchilla_tokens(n)):>13.3f} | {c:>13.1e} | {ratio}")
    precedent = c

fig, ax = plt.subplots(figsize=(8, 4.8), constrained_layout=True)
for n, nom in tailles.items():
    d = np.logspace(8, 14, 200)  # de 100 millions à 100 000 milliards de tokens
    ax.semilogx(cout(n, d), perte(n, d), label=f"N = {nom} de paramètres")
# La frontière : pour chaque budget, la meilleure taille de modèle (meilleure courbe)
budgets = np.logspace(17, 27, 200)
n_possibles = np.logspace(7, 13, 600)
meilleure = [min(perte(n_possibles, c / (6 * n_possibles))) for c in budgets]
ax.semilogx(budgets, meilleure, "k--", label="meilleur modèle pour chaque budget")
modeles = [
    ("GPT-3", 175e9, 300e9, (-40, 10)),
    ("Chinchilla", 70e9, 1.4e12, (5, 8)),
    ("Llama 3.1 405B", 405e9, 15.6e12, (5, 8)),
]
for nom, n, d, decalage in modeles:
    ax.plot(cout(n, d), perte(n, d), "ko")
    ax.annotate(nom, (cout(n, d), perte(n, d)), textcoords="offset points", xytext=decalage)
ax.set_xlim(1e17, 1e27)
ax.set_ylim(1.7, 4.5)
ax.set_xlabel("calcul d'entraînement C (FLOP, échelle log)")
ax.set_ylabel("perte prédite (nats par token)")
ax.set_title("Loi d'échelle de Chinchilla : chaque taille de modèle finit par plafonner")
ax.legend(fontsize=8)
