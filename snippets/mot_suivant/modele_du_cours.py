# Le mini-GPT du cours : son corpus, sa taille, et sa perplexité sur des phrases jamais vues.
import math

from genai_docs import french
from genai_docs.transformer import (
    COURSE_TRAIN,
    corpus_text,
    course_checkpoints,
    course_record,
    encode_split,
    evaluate_loss,
    load_course_model,
)
from genai_docs.values import claim, publish

entrainement, reserve = corpus_text("train").splitlines(), corpus_text("valid").splitlines()
n_total = len(entrainement) + len(reserve)
publish("paragraphes", n_total)
publish("part_reservee", french.percent(len(reserve) / n_total, 0))
communs = set(entrainement) & set(reserve)
claim("reserve_jamais_vue", not communs, f"{len(communs)} paragraphe en commun")
print(f"Corpus : {french.number(len(entrainement))} paragraphes pour l'entraînement, "
      f"{french.number(len(reserve))} mis de côté pour l'évaluation.")  # fmt: skip
print("Trois paragraphes du corpus d'entraînement (les numéros 100 à 102) :")
for ligne in entrainement[100:103]:
    print("   ", ligne)

modele, tokeniseur = load_course_model()
c = modele.config
tokens = COURSE_TRAIN.steps * COURSE_TRAIN.batch_size * COURSE_TRAIN.seq_len
publish("parametres", modele.num_parameters())
publish("pas", COURSE_TRAIN.steps)
publish("longueur_passage", COURSE_TRAIN.seq_len)
publish("part_histoires", french.percent(COURSE_TRAIN.story_windows, 0))
publish("part_paragraphes", french.percent(COURSE_TRAIN.paragraph_windows, 0))
publish("tokens_vus", french.number(tokens / 1e6, 2) + "\u00a0million")
entrainement_fait = course_record()  # ce que l'entraînement a noté : durée, cœurs utilisés
publish("duree_entrainement", entrainement_fait["seconds"])
publish("coeurs_entrainement", entrainement_fait["threads"])
print(f"\nModèle : {c.n_layer} couches, {c.n_head} têtes, d_model = {c.d_model}, "
      f"contexte de {c.seq_len} tokens, vocabulaire de {c.vocab_size} : "
      f"{french.number(modele.num_parameters())} paramètres.")  # fmt: skip
tokens_corpus = len(encode_split(tokeniseur, "train"))  # la taille du texte d'entraînement
publish("tokens_corpus", tokens_corpus)
publish("passages_corpus", tokens / tokens_corpus, 1)
claim(
    "corpus_relu",
    tokens > 2 * tokens_corpus,
    f"{french.number(tokens)} tokens lus > 2 × {french.number(tokens_corpus)}",
)
print(f"Entraînement : {french.number(COURSE_TRAIN.steps)} pas de {COURSE_TRAIN.batch_size} "
      f"séquences de {COURSE_TRAIN.seq_len} tokens, soit {french.number(tokens)} tokens lus "
      f"dans un texte qui en compte {french.number(tokens_corpus)} : chaque passage est lu "
      f"{french.number(tokens / tokens_corpus, 1)} fois en moyenne.\n")  # fmt: skip

donnees = encode_split(tokeniseur, "valid")  # les paragraphes mis de côté
print(f"{'pas':>5}  {'perte':>6}  {'perplexité':>10}")
for etape in course_checkpoints():
    modele, _ = load_course_model(step=etape)
    perte = evaluate_loss(modele, donnees, seq_len=COURSE_TRAIN.seq_len)
    print(f"{etape:>5}  {french.number(perte, 3):>6}  {french.number(math.exp(perte), 2):>10}")
    if etape == 0:
        depart = math.exp(perte)
publish("perplexite_depart", depart)
publish("perplexite_finale", math.exp(perte), 2)
V = c.vocab_size  # le nombre de logits entre lesquels un modèle au hasard se partage
claim(
    "depart_comme_hasard",
    V / 2 < depart < 2 * V,
    f"{french.number(depart)}, entre {V} / 2 et 2 × {V}",
)
claim(
    "finale_deux_trois",
    2 <= math.exp(perte) <= 3,
    f"perplexité finale {french.number(math.exp(perte), 2)}, entre 2 et 3",
)
