# Générer, c'est choisir le mot suivant, encore et encore. Ici, on le tire au sort selon les
# probabilités du modèle, au lieu de prendre toujours le plus probable. Même modèle, même début.
import random

from genai_docs.bigram import BigramModel
from genai_docs.values import claim, publish

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

# Une graine fixe : le site affiche les mêmes tirages à chaque construction.
hasard = random.Random(0)
tirages = [modele.sample("Omar a frappé un", n_words=8, rng=hasard) for _ in range(5)]
print(f"\nTirées au sort ({len(tirages)} tirages) :")
for phrase in tirages:
    print("   ", phrase)

distinctes = len(set(tirages))
publish("tirages_distincts", distinctes)
publish("n_tirages", len(tirages))
claim("tirages_varies", distinctes > 1, f"{distinctes} phrases différentes sur {len(tirages)}")
