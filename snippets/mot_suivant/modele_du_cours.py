# Le mini-GPT du cours : son corpus, sa taille, et sa perplexité sur des phrases jamais vues.
import math

from genai_docs.transformer import (
    COURSE_TRAIN,
    corpus_text,
    course_checkpoints,
    encode_split,
    evaluate_loss,
    load_course_model,
)

entrainement, reserve = corpus_text("train"), corpus_text("valid")
print(f"Corpus : {len(entrainement.splitlines()):} paragraphes pour l'entraînement, "
      f"{len(reserve.splitlines()):} mis de côté pour l'évaluation.")  # fmt: skip
print("Trois paragraphes au hasard :")
for ligne in entrainement.splitlines()[100:103]:
    print("   ", ligne)

modele, tokeniseur = load_course_model()
c = modele.config
n = f"{modele.num_parameters():,}".replace(",", " ")
print(f"\nModèle : {c.n_layer} couches, {c.n_head} têtes, d_model = {c.d_model}, "
      f"contexte de {c.seq_len} tokens, vocabulaire de {c.vocab_size} : {n} paramètres.")  # fmt: skip
print(f"Entraînement : {COURSE_TRAIN.steps} pas de {COURSE_TRAIN.batch_size} séquences "
      f"de {COURSE_TRAIN.seq_len} tokens.\n")  # fmt: skip

donnees = encode_split(tokeniseur, "valid")  # les paragraphes mis de côté
print(f"{'pas':>5}  {'perte':>6}  {'perplexité':>10}")
for etape in course_checkpoints():
    modele, _ = load_course_model(step=etape)
    perte = evaluate_loss(modele, donnees, seq_len=COURSE_TRAIN.seq_len)
    print(f"{etape:>5}  {perte:6.3f}  {math.exp(perte):10.2f}")
