# Le plus simple des modèles de langage : compter quel mot suit quel mot.
from genai_docs.bigram import BigramModel

texte = """
Omar a frappé un ballon dans la cour. Le ballon est rond et jaune.
Marie a frappé un ballon contre le mur. Omar a lancé un ballon à Marie.
Le chat a frappé un objet sur la table. Marie a acheté un livre rouge.
Omar a frappé un ballon de football. Le livre est sur la table.
Omar a lu un livre dans le jardin. Marie a frappé un caillou par terre.
"""

modele = BigramModel.fit(texte)

for contexte in ["Omar a frappé un", "Marie a", "Le"]:
    print(f"Après « {contexte} » :")
    for mot, proba in modele.next_word(contexte, k=3):
        print(f"    {mot:<10} {proba:6.1%}")

print()
print("Complétion gloutonne :", modele.complete("Omar a frappé un", n_words=4))
