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
# [Comment un modèle de langage prédit le mot suivant](../mot-suivant/), avec la sonde de la
# leçon [Les *transformers*](../transformateurs/). Tout tourne sur le processeur. Les
# sorties ci-dessous ont été calculées à la construction de ce site, et les cellules qui
# entraînent un modèle affichent leur durée : chez vous, elle dépendra de votre machine.
#
# **Pour le lancer chez vous :** [téléchargez le carnet](atelier.ipynb) et ouvrez-le dans
# Jupyter, ou importez-le dans un service en ligne comme Google Colab. La première cellule
# installe la bibliothèque du cours, `genai_docs`, si elle manque : elle lance
# `pip install` sur l'archive du [dépôt du cours](https://github.com/genai-docs/genai-docs),
# ce qui télécharge aussi PyTorch si vous ne l'avez pas. Si vous avez cloné le dépôt,
# `make setup` (ou `pip install -e .` à sa racine) l'a déjà installée, et la cellule ne fait
# rien.

# %%
# Installer la bibliothèque du cours si elle manque ; si elle est déjà là, ne rien faire.
import importlib.util
import subprocess
import sys

ARCHIVE = "https://github.com/genai-docs/genai-docs/archive/refs/heads/main.zip"
if importlib.util.find_spec("genai_docs") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", f"genai-docs @ {ARCHIVE}"], check=True)
    importlib.invalidate_caches()
    print("Bibliothèque du cours installée.")
else:
    print("La bibliothèque du cours (genai_docs) est déjà installée : rien à faire.")

# %% [markdown]
# ## 1. Les données
#
# Le tokeniseur du cours découpe le corpus en *tokens*. Pour l'entraînement, on garde aussi
# l'endroit où commence chaque paragraphe et chaque histoire : le modèle lira souvent des
# passages qui commencent là.

# %%
# Les imports viennent après la cellule d'installation, et c'est voulu :
# ruff: noqa: E402
import dataclasses
import math
import time
from collections import defaultdict

import matplotlib.pyplot as plt
import torch

from genai_docs import french
from genai_docs.transformer import (
    GPT,
    GPTConfig,
    TrainConfig,
    complete,
    course_record,
    encode_split,
    encode_stream,
    evaluate_loss,
    load_course_model,
    load_tokenizer,
    probe_accuracy,
    probe_stories,
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
    f"Avant entraînement : perte {french.number(avant, 2)}, perplexité {french.number(math.exp(avant), 0)}"
)
V = config.vocab_size
print(
    f"Un modèle qui donnerait la même probabilité à ses {V} sorties : perte ln {V} = "
    f"{french.number(math.log(V), 2)}, perplexité {V} (le tokeniseur n'en utilise que "
    f"{tokeniseur.get_vocab_size()})"
)

# %% [markdown]
# Avant tout entraînement, la perplexité est proche du nombre de sorties du modèle : un
# modèle qui ne sait rien hésite entre toutes. Si ses probabilités étaient toutes égales, sa
# perplexité vaudrait exactement ce nombre (l'exponentielle de $\ln V$ est $V$) ; des poids
# tirés au hasard donnent des probabilités presque égales, mais pas tout à fait, d'où
# l'écart. L'entraînement apprend vite à ne plus miser sur les sorties que le tokeniseur
# n'utilise jamais.
#
# ## 3. L'entraînement
#
# Chaque pas lit un *batch* de `batch_size` passages de `seq_len` *tokens*, calcule la perte
# (l'entropie croisée du *token* suivant), puis ajuste les poids par descente de gradient. La
# cellule mesure sa propre durée.

# %%
reglage = TrainConfig(
    steps=400, batch_size=8, seq_len=128, paragraph_windows=0.25, story_windows=0.5
)
debut = time.perf_counter()
resultat = train_model(modele, flux, reglage)
duree = time.perf_counter() - debut
apres = evaluate_loss(modele, reserve, seq_len=128)
print(
    f"Après {reglage.steps} pas : perte {french.number(apres, 2)}, perplexité {french.number(math.exp(apres), 2)}"
)
fils = torch.get_num_threads()
print(
    f"Durée de l'entraînement : {french.number(duree, 1)} s, soit "
    f"{french.number(1000 * duree / reglage.steps, 0)} ms par pas "
    f"({fils} fil{'s' if fils > 1 else ''} de calcul de PyTorch)"
)

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(range(1, len(resultat.losses) + 1), resultat.losses, lw=1)
ax.set_xlabel("pas d'entraînement")
ax.set_ylabel("perte (nats)")
ax.set_title("La perte d'entraînement de votre modèle")
fin = sum(resultat.losses[-20:]) / len(resultat.losses[-20:])
fig.set_label(  # le texte de remplacement de la figure, pour qui ne la voit pas
    f"Courbe de la perte d'entraînement de votre modèle, pas après pas : "
    f"{french.number(resultat.losses[0], 2)} au premier pas, "
    f"{french.number(fin, 2)} en moyenne sur les 20 derniers pas."
)
fig.tight_layout()

# %% [markdown]
# ## 4. Ce que votre modèle a appris
#
# Les cinq *tokens* qu'il juge les plus probables après « Omar a frappé un », puis une suite
# générée, à côté de celles du mini-GPT du cours, entraîné plus longtemps et plus grand.
#
# **La première fois, la cellule suivante est longue.** Elle charge le mini-GPT du cours ;
# s'il n'est pas encore dans le cache de la bibliothèque (le dossier `.cache/genai_docs/`
# du dossier où tourne le carnet), elle l'entraîne d'abord, parfois sans rien afficher
# pendant ce temps. C'est un modèle plus grand que le vôtre, entraîné sur plus de pas :
# comptez bien plus que la durée de la section 3. La cellule affiche ensuite combien de pas
# et de secondes cet entraînement a demandé. Les fois suivantes, elle le lit dans le cache.

# %%
debut = time.perf_counter()
cours, _ = load_course_model()
charge = time.perf_counter() - debut
fiche = course_record()  # ce que l'entraînement du mini-GPT du cours a enregistré
print(
    f"Mini-GPT du cours : {french.number(cours.num_parameters())} paramètres, entraîné "
    f"{french.number(fiche['train']['steps'])} pas en {french.number(fiche['seconds'], 0)} s "
    f"({fiche['threads']} fils) sur la machine qui l'a mis en cache ; "
    f"l'obtenir a pris ici {french.number(charge, 1)} s."
)
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
# des histoires inédites, qui finissent toutes par « Plus tard, il a repris son » (ou
# « sa »). Pour lire son score, il faut le niveau du hasard : un modèle qui ne lirait que ce
# dernier mot, « son » ou « sa », et tirerait au sort parmi les objets qui vont avec. La
# cellule le calcule sur les histoires mêmes de la sonde.

# %%
SONDE = {"n_stories": 60, "n_fillers": 3, "seed": 1}  # les histoires que tire probe_accuracy
histoires = probe_stories(SONDE["n_stories"], SONDE["n_fillers"], SONDE["seed"])
objets = defaultdict(set)  # « son » ou « sa » -> les objets qui le suivent dans ces histoires
for debut_histoire, objet in histoires:
    objets[debut_histoire.split()[-1]].add(objet)
hasard = sum(1 / len(objets[h.split()[-1]]) for h, _ in histoires) / len(histoires)
# Sur n histoires, le score d'un devin au hasard varie d'environ un écart-type de part et
# d'autre de sa moyenne : au-delà de deux écarts-types, on n'est plus au hasard.
seuil = hasard + 2 * math.sqrt(hasard * (1 - hasard) / len(histoires))
print(
    f"Hasard : {french.percent(hasard, 0)} des {len(histoires)} histoires "
    f"(nettement mieux : au-delà de {french.percent(seuil, 0)})"
)
scores = {}
for nom, m in [("votre modèle", modele), ("mini-GPT du cours", cours)]:
    scores[nom] = probe_accuracy(m, tokeniseur, **SONDE)
    niveau = (
        "nettement mieux que le hasard"
        if scores[nom] > seuil
        else "pas nettement mieux que le hasard"
    )
    print(f"{nom:>18} : {french.percent(scores[nom], 0)}, {niveau}")

# %% [markdown]
# ## 5. À vous
#
# Modifiez les cellules des sections 2 et 3, puis relancez le carnet à partir de la
# section 2 :
#
# 1. Doublez `steps` : la perplexité baisse-t-elle encore ? La sonde progresse-t-elle ?
# 2. Mettez `story_windows=0.0` et `paragraph_windows=0.0` : les passages commencent alors
#    n'importe où. Que devient la sonde, à nombre de pas égal ?
# 3. Passez à `d_model=128` et `n_layer=4` : c'est la taille du mini-GPT du cours. Combien de
#    temps prend un pas ? La cellule suivante le mesure sur quelques pas, sans tout
#    entraîner.


# %%
def secondes_par_pas(forme: GPTConfig, pas: int = 10) -> float:
    """Durée moyenne d'un pas d'entraînement d'un modèle neuf de cette forme (réglage de la section 3)."""
    torch.manual_seed(0)
    debut = time.perf_counter()
    train_model(GPT(forme), flux, dataclasses.replace(reglage, steps=pas))
    return (time.perf_counter() - debut) / pas


taille_du_cours = dataclasses.replace(config, d_model=128, n_layer=4)
durees = {}
for nom, forme in [("votre modèle", config), ("taille du mini-GPT du cours", taille_du_cours)]:
    durees[nom] = secondes_par_pas(forme)
    print(
        f"{nom:>27} : {french.number(GPT(forme).num_parameters())} paramètres, "
        f"{french.number(1000 * durees[nom], 0)} ms par pas"
    )
rapport = durees["taille du mini-GPT du cours"] / durees["votre modèle"]
print(f"Un pas à la taille du cours coûte {french.number(rapport, 1)} fois plus de temps.")

# %% [markdown]
# ## 6. Résultats attendus
#
# La cellule précédente répond à la question 3. Pour les questions 1 et 2, la cellule
# suivante refait les deux expériences à partir des réglages d'origine des sections 2 et 3
# (même modèle neuf, même graine) : elle entraîne deux modèles de plus, et affiche sa durée.
# Vos chiffres peuvent différer un peu des siens d'une machine à l'autre.

# %%
forme_origine = GPTConfig(vocab_size=768, seq_len=128, n_layer=2, n_head=4, d_model=64)
reglage_origine = TrainConfig(
    steps=400, batch_size=8, seq_len=128, paragraph_windows=0.25, story_windows=0.5
)


def essai(reglage_essai: TrainConfig) -> tuple[float, float]:
    """Perplexité sur les textes mis de côté et score de la sonde, après entraînement."""
    torch.manual_seed(0)
    m = GPT(forme_origine)
    train_model(m, flux, reglage_essai)
    return math.exp(evaluate_loss(m, reserve, seq_len=128)), probe_accuracy(m, tokeniseur, **SONDE)


debut = time.perf_counter()
if (config, reglage) == (forme_origine, reglage_origine):  # déjà entraîné en section 3
    origine = (math.exp(apres), scores["votre modèle"])
else:
    origine = essai(reglage_origine)
double = essai(dataclasses.replace(reglage_origine, steps=2 * reglage_origine.steps))
partout = essai(dataclasses.replace(reglage_origine, paragraph_windows=0.0, story_windows=0.0))
for nom, (perplexite, sonde) in [
    (f"réglages d'origine ({reglage_origine.steps} pas)", origine),
    (f"1. {2 * reglage_origine.steps} pas", double),
    ("2. passages n'importe où", partout),
]:
    niveau = (
        "nettement mieux que le hasard" if sonde > seuil else "pas nettement mieux que le hasard"
    )
    print(
        f"{nom:>28} : perplexité {french.number(perplexite, 2)}, "
        f"sonde {french.percent(sonde, 0)} ({niveau})"
    )
baisse = 1 - double[0] / origine[0]
print(
    f"\nEn doublant les pas, la perplexité baisse de {french.percent(baisse, 1)} : "
    f"{'elle baisse encore' if baisse > 0.01 else 'elle ne baisse presque plus'}."
)
print(f"Durée de la cellule : {french.number(time.perf_counter() - debut, 1)} s")
