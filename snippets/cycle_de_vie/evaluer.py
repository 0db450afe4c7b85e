# Évaluer, en miniature : quatre modèles candidats (des bigrammes qui ont lu plus ou moins de
# texte) jugés sur une même tâche, deviner le mot suivant, d'abord sur les textes qu'ils ont
# lus, puis sur des textes mis de côté (la part « valid » du corpus du cours, jamais lue).
from genai_docs.bigram import BigramModel, words
from genai_docs.french import number, percent
from genai_docs.transformer import corpus_text
from genai_docs.values import claim, publish

lus = corpus_text("train").splitlines()
mis_de_cote = corpus_text("valid").splitlines()


def evaluer(modele: BigramModel, paragraphes: list[str]) -> tuple[float, float]:
    """Part des mots devinés au premier choix, et part des mots précédents jamais vus."""
    premier_choix = {mot: modele.next_word(mot, k=1)[0][0] for mot in modele.counts}
    justes = inconnus = total = 0
    for paragraphe in paragraphes:
        mots = words(paragraphe)
        for precedent, suivant in zip(mots, mots[1:], strict=False):
            if precedent in ".!?":
                continue  # après un point, le bigramme ne prédit rien
            total += 1
            if precedent not in premier_choix:
                inconnus += 1
            elif premier_choix[precedent] == suivant:
                justes += 1
    return justes / total, inconnus / total


print(
    "| Paragraphes lus | Devinés sur les textes lus | Devinés sur les textes mis de côté "
    "| Mots jamais vus (mis de côté) |"
)
print("|---:|---:|---:|---:|")
resultats = {}
TAILLES = [10, 100, 1_000, len(lus)]  # paragraphes lus par chaque candidat
for n in TAILLES:
    modele = BigramModel.fit("\n".join(lus[:n]))
    sur_lus, _ = evaluer(modele, lus[:n])
    sur_test, inconnus = evaluer(modele, mis_de_cote)
    resultats[n] = (sur_lus, sur_test, inconnus)
    print(f"| {number(n)} | {percent(sur_lus)} | {percent(sur_test)} | {percent(inconnus)} |")

petit, tout = resultats[TAILLES[0]], resultats[TAILLES[-1]]
publish("petit_lus", TAILLES[0])
publish("paragraphes_mis_de_cote", len(mis_de_cote))
publish("paragraphes_lus_max", len(lus))
publish("petit_sur_lus", percent(petit[0], 0))
publish("petit_sur_test", percent(petit[1], 0))
publish("petit_inconnus", percent(petit[2], 0))
publish("tout_sur_test", percent(tout[1], 0))

# Ce que la page dit de ce tableau, vérifié ici sur toutes ses lignes.
sur_lus, sur_test, inconnus = zip(*resultats.values(), strict=True)


def points(valeurs) -> str:
    return " ; ".join(percent(v) for v in valeurs)


claim("petit_meilleur_sur_lus", max(sur_lus) == sur_lus[0], f"textes lus : {points(sur_lus)}")
claim("petit_pire_sur_test", min(sur_test) == sur_test[0], f"mis de côté : {points(sur_test)}")
ecarts = [lu - test for lu, test in zip(sur_lus, sur_test, strict=True)]
claim(
    "ecart_se_referme",
    max(ecarts[1:]) < ecarts[0] / 4 and abs(ecarts[-1]) < 0.02,
    f"écart entre les colonnes : {points(ecarts)}",
)
claim(
    "plafond_du_modele",  # plus de texte n'y change plus rien, et presque aucun mot n'est inconnu
    abs(sur_test[-1] - sur_test[-2]) < 0.01 and max(inconnus[-2:]) < 0.005,
    f"mis de côté : {points(sur_test[-2:])} avec {number(TAILLES[-2])} et "
    f"{number(TAILLES[-1])} paragraphes lus ; mots jamais vus : {points(inconnus[-2:])}",
)
