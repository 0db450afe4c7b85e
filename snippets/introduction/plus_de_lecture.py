# Plus le modèle « lit », plus ses prédictions se nuancent : la distribution du mot qui
# suit « un », apprise sur un texte court puis sur un texte plus long.
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from genai_docs.bigram import BigramModel
from genai_docs.french import percent
from genai_docs.values import claim, publish

court = "Omar a frappé un objet rond. Omar a vu un objet jaune."
long = (
    court
    + """
Omar a frappé un ballon dans la cour. Le ballon est rond et jaune.
Marie a frappé un ballon contre le mur. Omar a lancé un ballon à Marie.
Le chat a frappé un objet sur la table. Marie a acheté un livre rouge.
Omar a frappé un ballon de football. Omar a lu un livre dans le jardin.
"""
)

fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
appris = {}  # texte -> les mots qui suivent « un », avec leur probabilité
for ax, (titre, texte) in zip(
    axes, [("texte court", court), ("texte plus long", long)], strict=True
):
    candidats = appris[titre] = BigramModel.fit(texte).next_word("Omar a frappé un", k=5)
    mots, probas = zip(*candidats, strict=True)
    ax.bar(mots, probas, color="tab:blue")
    ax.set_title(f"Après « un » : {titre}")
    ax.set_ylim(0, 1)
    print(f"{titre:>16} : " + ", ".join(f"{m} {percent(p, 0)}" for m, p in candidats))
    if titre == "texte plus long":
        publish("ballon_texte_long", percent(dict(candidats)["ballon"], 0))
        publish("objet_texte_long", percent(dict(candidats)["objet"], 0))
axes[0].set_ylabel("probabilité")
axes[0].yaxis.set_major_formatter(FuncFormatter(lambda p, _: percent(p, 0)))
fig.tight_layout()

# Ce que la page dit de ces sorties, vérifié ici.
mots = {titre: [m for m, _ in candidats] for titre, candidats in appris.items()}
claim(
    "court_seulement_objet",
    mots["texte court"] == ["objet"],
    f"après « un », texte court : {', '.join(mots['texte court'])}",
)
claim(
    "ballon_devant_objet",
    mots["texte plus long"][:2] == ["ballon", "objet"],
    f"après « un », texte plus long : {', '.join(mots['texte plus long'])}",
)
claim(
    "plus_nuance",
    len(mots["texte plus long"]) > len(mots["texte court"]),
    f"{len(mots['texte court'])} mot possible après « un » sur le texte court, "
    f"{len(mots['texte plus long'])} sur le texte plus long",
)
