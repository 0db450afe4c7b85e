# Le plus simple des modèles de langage : compter quel mot suit quel mot.
from genai_docs.bigram import BigramModel, words
from genai_docs.french import percent
from genai_docs.values import claim, publish

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
premier, proba_premier = modele.next_word("Omar a frappé un", k=1)[0]
publish("proba_ballon", percent(proba_premier))
publish("n_un", n_un)
publish("n_un_ballon", modele.counts["un"]["ballon"])
publish("completion", modele.complete("Omar a frappé un", n_words=4))
apres_ballon = modele.next_word("ballon", k=100)
ex_aequo_ballon = [m for m, p in apres_ballon if p == apres_ballon[0][1]]
publish("ex_aequo_ballon", len(ex_aequo_ballon))

# Ce que la page dit de ces sorties, vérifié ici.
claim(
    "ballon_en_tete",
    premier == "ballon" == modele.counts["un"].most_common(1)[0][0]
    and proba_premier == modele.counts["un"]["ballon"] / n_un,
    f"en tête : {premier}, {percent(proba_premier)} = {modele.counts['un']['ballon']} / {n_un}, "
    "le mot qui suit le plus souvent « un »",
)
paires = [("Marie a", "a"), ("Omar a", "a"), ("Marie a lancé un", "un"), ("Omar a frappé un", "un")]
claim(
    "dernier_mot_seulement",
    all(modele.distribution(long) == modele.distribution(mot) for long, mot in paires),
    "mêmes probabilités après « Marie a », « Omar a » et « a », et après "
    "« Marie a lancé un », « Omar a frappé un » et « un »",
)
phrases = {modele.complete("Omar a frappé un", n_words=4) for _ in range(10)}
claim(
    "gloutonne_argmax",
    phrases == {texte_complete},
    f"{len(phrases)} phrase distincte sur 10 complétions, celle des argmax pas à pas",
)
suite = words(texte)
ordre = [apres for avant, apres in zip(suite, suite[1:], strict=False) if avant == "ballon"]
premier_rencontre = next(m for m in ordre if m in ex_aequo_ballon)
claim(
    "departage_premier_rencontre",
    len(ex_aequo_ballon) > 1 and apres_ballon[0][0] == premier_rencontre,
    f"{len(ex_aequo_ballon)} mots ex æquo après « ballon » ; choisi : « {apres_ballon[0][0]} », "
    f"le premier rencontré dans le texte (« {premier_rencontre} »)",
)
