# L'attention pas à pas, sur quatre mots, avec de simples multiplications de matrices.
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from genai_docs import french
from genai_docs.values import claim

torch.manual_seed(0)
mots = ["Omar", "a", "frappé", "un"]
T, d_model, d_k = len(mots), 8, 4

# Chaque mot arrive sous forme d'un vecteur (son embedding) ; ici, des valeurs au hasard.
X = torch.randn(T, d_model)  # (T, d_model)

# Trois projections apprises (ici aléatoires) : requête, clé, valeur.
W_q = torch.randn(d_model, d_k) / math.sqrt(d_model)  # (d_model, d_k)
W_k = torch.randn(d_model, d_k) / math.sqrt(d_model)
W_v = torch.randn(d_model, d_k) / math.sqrt(d_model)
Q, K, V = X @ W_q, X @ W_k, X @ W_v  # (T, d_k) chacune

# 1. Scores : à quel point la requête du mot i « ressemble » à la clé du mot j.
scores = Q @ K.T / math.sqrt(d_k)  # (T, T)

# 2. Masque causal : le mot i ne voit que les mots 0..i (pas le futur).
masque = torch.tril(torch.ones(T, T, dtype=torch.bool))  # (T, T)
scores_masques = scores.masked_fill(~masque, float("-inf"))

# 3. Softmax ligne par ligne : des poids positifs dont la somme vaut 1.
poids = torch.softmax(scores_masques, dim=-1)  # (T, T)

# 4. Somme pondérée des valeurs : la nouvelle représentation de chaque mot.
sortie = poids @ V  # (T, d_k)

# Vérification : PyTorch fait exactement ce calcul dans une seule fonction.
reference = F.scaled_dot_product_attention(Q[None], K[None], V[None], is_causal=True)[0]


def tableau(titre, m, colonnes=mots, entete="mot qui regarde"):
    """Affiche une matrice en tableau Markdown : une ligne par mot."""
    print(f"**{titre}**\n")
    print(f"| {entete} | " + " | ".join(colonnes) + " |")
    print("|---" * (len(colonnes) + 1) + "|")
    for mot, ligne in zip(mots, m.tolist(), strict=True):
        cases = ["−∞" if math.isinf(v) else french.number(v, 2) for v in ligne]
        print(f"| **{mot}** | " + " | ".join(cases) + " |")
    print()


tableau("1. Scores $QK^T/\\sqrt{d_k}$", scores)
tableau("2. Scores après le masque causal", scores_masques)
tableau("3. Poids d'attention (softmax de chaque ligne)", poids)
sommes = " ; ".join(french.number(s, 6) for s in poids.sum(-1).tolist())
print(f"Somme de chaque ligne des poids : {sommes}\n")
tableau("4. Sortie = poids × V", sortie, [f"dim {c}" for c in range(d_k)], entete="mot")
identique = torch.allclose(sortie, reference, atol=1e-6)
print(
    f"Même résultat que `F.scaled_dot_product_attention` (à 10⁻⁶ près) : {'oui' if identique else 'non'}"
)
ecart = (sortie - reference).abs().max().item()
claim("attention_comme_sdpa", identique, f"écart maximal {french.scientific(ecart, 1)} ≤ 10⁻⁶")

fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), constrained_layout=True)
for ax, m, titre in zip(
    axes,
    [scores, scores_masques, poids],
    ["Scores $QK^T/\\sqrt{d_k}$", "Après le masque causal", "Poids (softmax)"],
    strict=True,
):
    valeurs = m.masked_fill(torch.isinf(m), float("nan"))  # −∞ en gris
    cmap = plt.get_cmap("Blues" if m is poids else "coolwarm").with_extremes(bad="lightgray")
    ax.imshow(valeurs.numpy(), cmap=cmap)
    for i in range(T):
        for j in range(T):
            v = m[i, j].item()
            couleur = "white" if m is poids and v > 0.6 else "black"
            texte = "−∞" if math.isinf(v) else french.number(v, 2)
            ax.text(j, i, texte, ha="center", va="center", fontsize=9, color=couleur)
    ax.set_xticks(range(T), mots)
    ax.set_yticks(range(T), mots)
    ax.set_xlabel("mot regardé (clé)")
    ax.set_title(titre)
axes[0].set_ylabel("mot qui regarde (requête)")
