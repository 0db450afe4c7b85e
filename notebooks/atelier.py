# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Atelier : entraînez votre mini-GPT
#
# Dans ce carnet, vous entraînez vous-même un petit modèle de langage sur le corpus du cours,
# vous regardez sa perte baisser, puis vous le comparez au mini-GPT de la leçon
# [Comment un modèle de langage prédit le mot suivant](../mot-suivant/). Tout tourne sur le
# processeur d'un ordinateur portable, en quelques minutes au plus.
#
# **Pour le lancer chez vous :** [téléchargez le carnet](atelier.ipynb), installez la
# bibliothèque du cours depuis le dépôt (`make setup`, ou `pip install -e .`), puis ouvrez le
# fichier dans Jupyter. Les sorties ci-dessous ont été calculées à la construction de ce site.

# %% [markdown]
# ## 1. Les données
#
# Le tokeniseur du cours découpe le corpus en *tokens*. Pour l'entraînement, on garde aussi
# l'endroit où commence chaque paragraphe et chaque histoire : le modèle lira souvent des
# passages qui commencent là.

# %%
import matplotlib.pyplot as plt
import torch

from genai_docs import french
from genai_docs.transformer import (
    GPT,
    GPTConfig,
    TrainConfig,
    complete,
    encode_split,
    encode_stream,
    evaluate_loss,
    load_course_model,
    load_tokenizer,
    probe_accuracy,
    top_k_next_tokens,
    train_model,
)

tokeniseur = load_tokenizer()
flux = encode_stream(tokeniseur, "train")  # les paragraphes d'entraînement, bout à bout
reserve = encode_split(tokeniseur, "valid")  # les paragraphes mis de côté
print(
    f"{french.number(len(flux.ids))} tokens d'entraînement, {french.number(len(reserve))} mis de côté"
)
print(
    f"{french.number(len(flux.paragraphs))} paragraphes, dont {french.number(len(flux.stories))} histoires"
)

# %% [markdown]
# ## 2. Un modèle plus petit que celui du cours
#
# Moitié moins de couches et des vecteurs moitié moins larges que le mini-GPT du cours : bien
# moins de paramètres (la cellule les compte), et un entraînement bien plus court. Changez ces
# nombres pour voir ce qu'ils coûtent et ce qu'ils rapportent.

# %%
config = GPTConfig(vocab_size=768, seq_len=128, n_layer=2, n_head=4, d_model=64)
torch.manual_seed(0)
modele = GPT(config)
avant = evaluate_loss(modele, reserve, seq_len=128)
print(f"{french.number(modele.num_parameters())} paramètres")
print(
    f"Avant entraînement : perte {french.number(avant, 2)}, perplexité {french.number(torch.tensor(avant).exp(), 0)}"
)

# %% [markdown]
# ## 3. L'entraînement
#
# Chaque pas lit `batch_size` passages de `seq_len` *tokens*, calcule la perte (l'entropie
# croisée du *token* suivant), puis ajuste les poids par descente de gradient.

# %%
reglage = TrainConfig(
    steps=400, batch_size=8, seq_len=128, paragraph_windows=0.25, story_windows=0.5
)
resultat = train_model(modele, flux, reglage)
apres = evaluate_loss(modele, reserve, seq_len=128)
print(
    f"Après {reglage.steps} pas : perte {french.number(apres, 2)}, perplexité {french.number(torch.tensor(apres).exp(), 2)}"
)

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(range(1, len(resultat.losses) + 1), resultat.losses, lw=1)
ax.set_xlabel("pas d'entraînement")
ax.set_ylabel("perte (nats)")
ax.set_title("La perte d'entraînement de votre modèle")
fig.tight_layout()

# %% [markdown]
# ## 4. Ce que votre modèle a appris
#
# Les cinq *tokens* qu'il juge les plus probables après « Omar a frappé un », puis une suite
# générée, à côté de celles du mini-GPT du cours, entraîné plus longtemps et plus grand.

# %%
cours, _ = load_course_model()
for nom, m in [("votre modèle", modele), ("mini-GPT du cours", cours)]:
    top = top_k_next_tokens(m, tokeniseur, "Omar a frappé un", k=5)
    print(f"{nom:>18} : " + ", ".join(f"{t.strip()} {french.percent(p, 0)}" for t, p in top))

# %%
for nom, m in [("votre modèle", modele), ("mini-GPT du cours", cours)]:
    suite = complete(
        m,
        tokeniseur,
        "Marie a posé son livre sur la table. Plus tard, elle a repris",
        max_new_tokens=8,
        temperature=0,
    )
    print(f"{nom:>18} : {suite}")

# %% [markdown]
# Le modèle du cours retrouve l'objet posé au début de l'histoire ; le vôtre, entraîné
# moins longtemps, y parvient-il ? La sonde de la leçon sur les *transformers* le mesure sur
# des histoires inédites :

# %%
{
    nom: french.percent(probe_accuracy(m, tokeniseur), 0)
    for nom, m in [("votre modèle", modele), ("mini-GPT du cours", cours)]
}

# %% [markdown]
# ## 5. À vous
#
# - Doublez `steps` : la perplexité baisse-t-elle encore ? La sonde progresse-t-elle ?
# - Mettez `story_windows=0.0` et `paragraph_windows=0.0` : les passages commencent alors
#   n'importe où. Que devient la sonde, à nombre de pas égal ?
# - Passez à `d_model=128` et `n_layer=4` : c'est la taille du mini-GPT du cours. Combien de
#   temps prend un pas ?
