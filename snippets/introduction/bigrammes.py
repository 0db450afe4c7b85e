# Le plus simple des modèles de langage : compter quel mot suit quel mot.
from genai_docs.bigram import BigramModel, words
from genai_docs.french import percent
from genai_docs.values import publish

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
        print(f"    {mot:<10} {percent(proba):>8}")

# La complétion gloutonne prend à chaque pas le mot le plus probable (un argmax, pas un
# tirage). Quand plusieurs mots sont ex æquo, le modèle prend le premier rencontré dans le texte.
print("\nComplétion gloutonne, pas à pas :")
texte_complete = "Omar a frappé un"
for _ in range(4):
    candidats = modele.next_word(texte_complete, k=100)
    mot, proba = candidats[0]
    ex_aequo = [m for m, p in candidats if p == proba]
    note = f"  (ex æquo : {', '.join(ex_aequo)})" if len(ex_aequo) > 1 else ""
    print(f"    après « {words(texte_complete)[-1]} » : {mot} {percent(proba)}{note}")
    texte_complete += " " + mot
print("Résultat :", modele.complete("Omar a frappé un", n_words=4))

n_un = sum(modele.counts["un"].values())
publish("proba_ballon", percent(modele.next_word("Omar a frappé un", k=1)[0][1]))
publish("n_un", n_un)
publish("n_un_ballon", modele.counts["un"]["ballon"])
publish("completion", modele.complete("Omar a frappé un", n_words=4))
apres_ballon = modele.next_word("ballon", k=100)
publish("ex_aequo_ballon", sum(p == apres_ballon[0][1] for _, p in apres_ballon))
