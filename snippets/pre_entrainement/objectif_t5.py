# Corruption de spans (T5) : des groupes de mots disparaissent, remplacés par des sentinelles.
import math

import torch

from genai_docs.pretraining import (
    COURSE_SENTENCE,
    FamilyConfig,
    build_course_vocab,
    build_model,
    objective_loss,
    span_corruption_example,
)

vocab = build_course_vocab()
mots = vocab.encode(COURSE_SENTENCE)
exemple = span_corruption_example(
    vocab,
    mots,
    noise_density=0.15,
    mean_span_length=3.0,
    generator=torch.Generator().manual_seed(1),
)

print("Entrée de l'encodeur :")
print("  " + " ".join(vocab.decode(exemple.input_ids.tolist())))
print("Cible du décodeur :")
print("  " + " ".join(vocab.decode(exemple.labels.tolist())))
sentinelles = [t for t in vocab.decode(exemple.input_ids.tolist()) if t.startswith("<extra_id_")]
print(f"\n{len(exemple.chosen)} mots cachés sur {len(mots)} (15 %), en {len(sentinelles)} spans.")

modele = build_model("t5", FamilyConfig.for_vocab(vocab))
perte = objective_loss(modele, exemple)
with torch.no_grad():  # T5 construit l'entrée de son décodeur en décalant la cible d'un cran
    logits = modele(input_ids=exemple.input_ids[None], labels=exemple.labels[None]).logits[0]
lu_par_le_decodeur = [vocab.pad_id, *exemple.labels[:-1].tolist()]  # <pad>, puis la cible décalée
copie = sum(p == lu for p, lu in zip(logits.argmax(-1).tolist(), lu_par_le_decodeur, strict=True))
print(
    f"\nPerte du T5 aléatoire : {perte:.2f} nats par token de la cible ; "
    f"ln({len(vocab)}) = {math.log(len(vocab)):.2f}"
)
print(
    f"Son token favori est celui que son décodeur vient de lire à {copie} positions "
    f"sur {len(lu_par_le_decodeur)} : avant tout entraînement, il tend déjà à recopier son entrée."
)
