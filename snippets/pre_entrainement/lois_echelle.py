# Plus grand = meilleur, mais plus cher : la loi d'échelle ajustée par Hoffmann et al. (2022,
# « Chinchilla ») prédit la perte d'un modèle de N paramètres entraîné sur D tokens :
#     L(N, D) = E + A / N^α + B / D^β
# (perte en nats par token sur leur jeu de test ; constantes de leur approche 3).
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from genai_docs.compute import TOKENS_PER_PARAMETER, chinchilla_tokens
from genai_docs.french import number, percent, scientific
from genai_docs.values import claim, publish
from genai_docs.verdicts import monotonic

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


print(
    f"Avec D = {TOKENS_PER_PARAMETER} tokens par paramètre (la règle empirique de Chinchilla) :\n"
)
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
gains = []  # la baisse de perte d'une ligne à la suivante
for n, nom in tailles.items():
    c = cout(n, chinchilla_tokens(n))
    ratio = "" if precedent is None else f"× {number(c / precedent)}"
    if precedent is not None:
        gains.append(perte(n / 10, chinchilla_tokens(n / 10)) - perte(n, chinchilla_tokens(n)))
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
n_opt_chinchilla = meilleure_taille(cout(*modeles["Chinchilla"]))[0]
publish("n_optimal_chinchilla", n_opt_chinchilla / 1e9)
# À ce budget, combien de tokens par paramètre la frontière tracée veut-elle ?
tokens_frontiere = cout(*modeles["Chinchilla"]) / 6 / n_opt_chinchilla / n_opt_chinchilla
publish("tokens_par_parametre_frontiere", tokens_frontiere)

# Exercice 3 : Llama 3 8B, entraîné sur 15 000 milliards de tokens (Llama Team, 2024), et
# Llama 3.1 405B, que ses auteurs ont choisi optimal d'après leur propre loi d'échelle.
N_8B, D_8B = 8e9, 15e12
n_opt_8b = meilleure_taille(cout(N_8B, D_8B))[0]
publish("tokens_8b", D_8B / 1e9)
publish("tokens_par_parametre_8b", D_8B / N_8B)
publish("fois_chinchilla_8b", D_8B / N_8B / TOKENS_PER_PARAMETER)
publish("calcul_8b", scientific(cout(N_8B, D_8B), 2))
publish("n_optimal_8b", n_opt_8b / 1e9)
n_opt_405b = meilleure_taille(3.8e25)[0]  # le budget publié de Llama 3.1 405B
publish("n_optimal_405b", n_opt_405b / 1e9)
claim(
    "llama3_8b_sur_entraine",
    n_opt_8b > 2 * N_8B and D_8B / N_8B > 10 * TOKENS_PER_PARAMETER,
    f"optimum de la loi au budget de Llama 3 8B : {number(n_opt_8b / 1e9)} milliards ; "
    f"{number(D_8B / N_8B)} tokens par paramètre",
)
claim(
    "lois_en_desaccord_405b",
    n_opt_405b < 402e9 / 1.5,
    f"la loi de la page : {number(n_opt_405b / 1e9)} milliards à 3,8 × 10²⁵ FLOP ; "
    "celle de Llama 3 : 402 milliards",
)

# Les verdicts du texte, calculés sur toute la série.
claim(
    "gains_decroissants",
    all(a > b > 0 for a, b in zip(gains, gains[1:], strict=False)),
    "gains de perte d'une ligne à la suivante : " + " ; ".join(number(g, 3) for g in gains),
)
claim(
    "gpt3_au_dessus",
    gpt3 > meilleure_taille(cout(*modeles["GPT-3"]))[1]
    and meilleure_taille(cout(*modeles["GPT-3"]))[0] < modeles["GPT-3"][0],
    f"GPT-3 : {number(gpt3, 3)} ; au même calcul, {number(meilleure_taille(cout(*modeles['GPT-3']))[1], 3)}",
)
c_chinchilla, c_gopher = cout(*modeles["Chinchilla"]), cout(*modeles["Gopher"])
publish("ecart_calcul_chinchilla", percent(c_chinchilla / c_gopher - 1, 0))
claim(
    "chinchilla_comme_gopher",
    abs(c_chinchilla / c_gopher - 1) < 0.2 and chinchilla < gopher,
    f"calcul (6·N·D) : {scientific(c_chinchilla, 2)} contre {scientific(c_gopher, 2)} FLOP ; "
    f"perte {number(chinchilla, 3)} contre {number(gopher, 3)}",
)
claim(
    "approche3_plus_petit",
    n_opt_chinchilla < modeles["Chinchilla"][0],
    f"{number(n_opt_chinchilla / 1e9)} milliards < {number(modeles['Chinchilla'][0] / 1e9)}, "
    "la taille de Chinchilla, choisie d'après les deux autres approches",
)

fig, (ax, ax_d) = plt.subplots(
    1, 2, figsize=(10, 4.8), constrained_layout=True, gridspec_kw={"width_ratios": [3, 2]}
)
for n, nom in tailles.items():
    d = np.logspace(8, 14, 200)  # de 100 millions à 100 000 milliards de tokens
    ax.semilogx(cout(n, d), perte(n, d), label=f"N = {nom} de paramètres")
# La frontière : pour chaque budget, la meilleure taille de modèle (la plus basse des courbes).
budgets = np.logspace(17, 27, 200)
optimums = [meilleure_taille(c) for c in budgets]
frontiere = np.array([p for _, p in optimums])
ax.semilogx(budgets, frontiere, "k--", label="meilleur modèle pour chaque budget")
sous_courbes = all((frontiere <= perte(n, budgets / (6 * n)) + 1e-9).all() for n in tailles)
# La règle des 20 tokens par paramètre : N = √(C / 120) pour un budget C = 6 · N · 20 N.
n_regle = np.sqrt(budgets / (6 * TOKENS_PER_PARAMETER))
pertes_regle = perte(n_regle, chinchilla_tokens(n_regle))
decalages = {"GPT-3": (-40, 10), "Gopher": (5, 8), "Chinchilla": (-20, -16)}
for nom, (n, d) in modeles.items():
    ax.plot(cout(n, d), perte(n, d), "ko")
    ax.annotate(nom, (cout(n, d), perte(n, d)), textcoords="offset points", xytext=decalages[nom])
ax.set_xlim(1e17, 1e27)
ax.set_ylim(1.7, 4.5)
ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, 1)))  # virgule décimale
ax.set_xlabel("calcul d'entraînement C (FLOP, échelle log)")
ax.set_ylabel("perte prédite (nats par token)")
ax.set_title("Chaque taille de modèle finit par plafonner", fontsize=10)
ax.legend(fontsize=8)

# À droite : combien de tokens par paramètre la frontière demande, contre la règle des 20.
par_parametre = np.array(
    [c / 6 / n_opt**2 for c, (n_opt, _) in zip(budgets, optimums, strict=True)]
)
ax_d.loglog(budgets, par_parametre, "k--", label="meilleur modèle (la frontière)")
ax_d.axhline(TOKENS_PER_PARAMETER, color="0.45", ls=":", label=f"règle des {TOKENS_PER_PARAMETER}")
for nom, (n, d) in modeles.items():
    ax_d.plot(cout(n, d), d / n, "ko")
    ax_d.annotate(nom, (cout(n, d), d / n), textcoords="offset points", xytext=(4, 4), fontsize=8)
ax_d.set_xlim(1e17, 1e27)
ax_d.set_xlabel("calcul d'entraînement C (FLOP, échelle log)")
ax_d.set_ylabel("tokens par paramètre (échelle log)")
ax_d.set_title("Tokens par paramètre", fontsize=10)
ax_d.legend(fontsize=8)
fig.suptitle("Loi d'échelle de Chinchilla (approche 3)")

claim(
    "frontiere_sous_courbes",
    sous_courbes and (frontiere <= pertes_regle + 1e-9).all(),
    "sur 200 budgets de 10¹⁷ à 10²⁷ FLOP, la frontière ≤ chaque courbe et ≤ la règle des 20",
)
grands = budgets >= 1e20
claim(
    "frontiere_plus_de_20",
    bool((par_parametre[grands] > TOKENS_PER_PARAMETER).all())
    and par_parametre[grands].max() < 10 * TOKENS_PER_PARAMETER
    and monotonic(list(par_parametre)) == "increasing",
    f"de 10²⁰ à 10²⁷ FLOP, la frontière demande de {number(par_parametre[grands].min())} à "
    f"{number(par_parametre[grands].max())} tokens par paramètre, de plus en plus avec le budget "
    "(moins de 10 fois la règle)",
)
# Chaque courbe descend vers un plancher E + A / N^α, d'autant plus bas que N est grand.
planchers = [E + A / n**alpha for n in tailles]
descend = all(np.all(np.diff(perte(n, np.logspace(8, 14, 200))) < 0) for n in tailles)
claim(
    "planchers_baissent",
    descend and all(a > b for a, b in zip(planchers, planchers[1:], strict=False)),
    "planchers : " + " ; ".join(number(p, 3) for p in planchers),
)
# Une taille optimale existe pour chaque budget : le minimum n'est jamais au bord de la grille.
interieur = [meilleure_taille(c)[0] for c in np.logspace(19, 26, 8)]
claim(
    "optimum_interieur",
    all(1e7 < n < 1e13 for n in interieur),
    "de 10¹⁹ à 10²⁶ FLOP, la meilleure taille va de "
    f"{number(min(interieur) / 1e9, 2)} à {number(max(interieur) / 1e9)} milliards, "
    "loin des bords de la recherche (10⁷ et 10¹³)",
)
