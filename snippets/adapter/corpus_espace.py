# Le nouveau domaine : des missions spatiales, et ce que le modèle du cours en a déjà lu.
from collections import Counter

from genai_docs import french
from genai_docs.adapt import course_counts, domain_text, words
from genai_docs.transformer import corpus_text, load_tokenizer, show_pieces
from genai_docs.values import claim, publish

affinage, reserve = domain_text("train").splitlines(), domain_text("valid").splitlines()
publish("paragraphes_espace", len(affinage) + len(reserve))
publish("paragraphes_espace_reserve", len(reserve))
print(f"{french.number(len(affinage))} paragraphes pour l'affinage, "
      f"{french.number(len(reserve))} mis de côté. Les trois premiers :\n")  # fmt: skip
for ligne in affinage[:3]:
    print(f"> {ligne}\n")

occurrences = Counter(words(domain_text("train")))  # les mots du nouveau corpus
dans_le_cours = course_counts()  # combien de fois chacun apparaît dans le corpus du cours
jamais_vus = [mot for mot in occurrences if dans_le_cours[mot] == 0]
part = sum(occurrences[mot] for mot in jamais_vus) / occurrences.total()
publish("mots_distincts_espace", len(occurrences))
publish("mots_jamais_vus", len(jamais_vus))
publish("part_occurrences_jamais_vues", french.percent(part, 0))
claim("jamais_vus_nombreux", part > 0.3, f"{french.percent(part, 0)} des occurrences > 30 %")

tokeniseur = load_tokenizer()  # le tokeniseur du cours, entraîné sur son seul corpus


def tokens_par_mot(texte: str) -> float:
    return len(tokeniseur.encode(texte).ids) / len(words(texte))


espace, cours = tokens_par_mot(domain_text("valid")), tokens_par_mot(corpus_text("valid"))
publish("tokens_par_mot_espace", espace, 1)
publish("tokens_par_mot_cours", cours, 1)
claim(
    "mots_plus_decoupes",
    espace > 1.5 * cours,
    f"{french.number(espace, 2)} > 1,5 × {french.number(cours, 2)}",
)

print("| mot jamais vu | dans le nouveau corpus | dans le corpus du cours | *tokens* |")
print("| --- | ---: | ---: | --- |")
longs = [mot for mot, _ in occurrences.most_common() if mot in jamais_vus and len(mot) > 3]
for mot in longs[:8]:
    morceaux = " · ".join(f"`{m}`" for m in show_pieces(tokeniseur, " " + mot))
    print(f"| {mot} | {french.number(occurrences[mot])} | {dans_le_cours[mot]} | {morceaux} |")
