# Qui voit qui ? On ne dessine pas les masques à la main : on les mesure sur les modèles.
# On remplace un token d'entrée à la fois et on note quelles sorties changent.
import matplotlib.pyplot as plt
import torch

from genai_docs.pretraining import (
    FamilyConfig,
    build_course_vocab,
    build_model,
    family_masks,
    measured_dependencies,
)
from genai_docs.values import claim, publish

vocab = build_course_vocab()
config = FamilyConfig.for_vocab(vocab)


def ids(texte):
    return torch.tensor([vocab.id(t) for t in texte.split()])


bert_in = "[CLS] Omar a frappé un [MASK] . [SEP]"
gpt_in = "Omar a frappé un ballon ."
t5_in = "Omar a frappé un <extra_id_0> . </s>"
t5_dec = "<pad> <extra_id_0> ballon jaune <extra_id_1>"  # la cible décalée d'un cran

panneaux = []  # (famille, nom, matrice, mots en colonnes, mots en lignes)
identiques = 0
for famille, entree, decodeur in [
    ("bert", bert_in, None),
    ("gpt", gpt_in, None),
    ("t5", t5_in, t5_dec),
]:
    modele = build_model(famille, config)
    mesure = measured_dependencies(modele, ids(entree), None if decodeur is None else ids(decodeur))
    attendu = family_masks(famille, len(entree.split()), decodeur and len(decodeur.split()))
    for nom, m in mesure.items():
        identiques += torch.equal(m, attendu[nom])
        verdict = "identique" if torch.equal(m, attendu[nom]) else "DIFFÉRENT"
        en_francais = {"encoder": "encodeur", "decoder": "décodeur", "cross": "croisée"}[nom]
        print(
            f"{famille.upper():>4} · {en_francais:<8} : masque mesuré "
            f"{m.shape[0]} × {m.shape[1]}, {verdict} au masque attendu"
        )
        lignes = (decodeur if nom in ("decoder", "cross") and decodeur else entree).split()
        colonnes = (decodeur if nom == "decoder" and decodeur else entree).split()
        panneaux.append((famille, nom, m, colonnes, lignes))

publish("masques_identiques", identiques)
publish("masques_mesures", len(panneaux))
claim(
    "masques_conformes",
    identiques == len(panneaux) and config.n_layer > 1,
    f"{identiques} sur {len(panneaux)} identiques à la formule, mesurés en sortie de modèles "
    f"à {config.n_layer} blocs par pile",
)

titres = {
    ("bert", "encoder"): "BERT : encodeur\n(bidirectionnel)",
    ("gpt", "decoder"): "GPT-2 : décodeur\n(causal)",
    ("t5", "encoder"): "T5 : encodeur\n(bidirectionnel)",
    ("t5", "decoder"): "T5 : décodeur\n(causal)",
    ("t5", "cross"): "T5 : attention croisée\n(décodeur → encodeur)",
}
fig, axes = plt.subplots(1, 5, figsize=(17, 4.4), constrained_layout=True)
for ax, (famille, nom, m, colonnes, lignes) in zip(axes, panneaux, strict=True):
    ax.imshow(m.numpy(), cmap="Greens", vmin=0, vmax=1.3)  # un tableau NumPy, pas un tenseur
    ax.set_xticks(range(len(colonnes)), colonnes, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(lignes)), lignes, fontsize=8)
    ax.set_xticks([x - 0.5 for x in range(len(colonnes) + 1)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(len(lignes) + 1)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    ax.set_title(titres[famille, nom], fontsize=10)
    ax.set_xlabel("token lu")
axes[0].set_ylabel("position qui calcule sa sortie")
fig.suptitle("Vert : la sortie de la ligne dépend du token de la colonne (mesuré sur les modèles)")
