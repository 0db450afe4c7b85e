# Modèle de langage causal (GPT) : à chaque position, prédire le token suivant.
import math

import torch

from genai_docs.french import number
from genai_docs.pretraining import (
    COURSE_SENTENCE,
    FamilyConfig,
    build_course_vocab,
    build_model,
    causal_lm_example,
    objective_loss,
)
from genai_docs.values import claim, publish

vocab = build_course_vocab()
exemple = causal_lm_example(vocab, vocab.encode(COURSE_SENTENCE))
entree, etiquettes = exemple.input_ids.tolist(), exemple.labels.tolist()

print("Les étiquettes sont l'entrée décalée d'un cran vers la gauche :")
print(f"  {'contexte lu (positions 0..t)':<42} → à prédire")
for t in range(6):
    contexte = " ".join(vocab.decode(entree[: t + 1]))
    print(f"  {contexte:<42} → « {vocab.tokens[etiquettes[t]]} »")
print(
    f"  ... {len(entree) - 1} prédictions au total ; la dernière position (</s>) n'a rien à prédire."
)

modele = build_model("gpt", FamilyConfig.for_vocab(vocab))
perte = objective_loss(modele, exemple)  # nos étiquettes déjà décalées
with torch.no_grad():  # Hugging Face décale lui-même si on lui donne labels = input_ids
    perte_hf = modele(input_ids=exemple.input_ids[None], labels=exemple.input_ids[None]).loss.item()
print(
    f"\nPerte du GPT aléatoire : {number(perte, 2)} nats par token ; "
    f"ln({len(vocab)}) = {number(math.log(len(vocab)), 2)}"
)
print(
    "Même perte avec le décalage interne de transformers (à 10⁻⁶ près) : "
    f"{'oui' if abs(perte - perte_hf) < 1e-6 else 'non'}"
)
claim(
    "decalage_comme_transformers",
    abs(perte - perte_hf) < 1e-6,
    f"nos étiquettes : {number(perte, 6)} ; décalage de transformers : {number(perte_hf, 6)}",
)
publish("tokens_clm", len(entree))
publish("predictions_clm", len(entree) - 1)
publish("perte_gpt", perte, 2)
ecart = perte - math.log(len(vocab))
claim("gpt_au_depart", abs(ecart) < 0.25, f"perte − ln({len(vocab)}) = {number(ecart, 2)}")
