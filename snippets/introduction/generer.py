# Générer, c'est tirer au sort : à chaque pas, le mot suivant est tiré selon les probabilités
# du modèle, au lieu de prendre toujours le plus probable. Même modèle, même début de phrase.
import random

from genai_docs.bigram import BigramModel

texte = """
Omar a frappé un ballon dans la cour. Le ballon est rond et jaune.
Marie a frappé un ballon contre le mur. Omar a lancé un ballon à Marie.
Le chat a frappé un objet sur la table. Marie a acheté un livre rouge.
Omar a frappé un ballon de football. Le livre est sur la table.
Omar a lu un livre dans le jardin. Marie a frappé un caillou par terre.
"""

modele = BigramModel.fit(texte)
print("Gloutonne (toujours le plus probable) :")
print("   ", modele.complete("Omar a frappé un", n_words=6))

hasard = random.Random(
    0
)  # une graine fixe : le site affiche les mêmes tirages à chaque construction
print("\nTirées au sort (cinq tirages) :")
for _ in range(5):
    print("   ", modele.sample("Omar a frappé un", n_words=8, rng=hasard))
