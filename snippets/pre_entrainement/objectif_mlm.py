# Modèle de langage masqué (BERT) : on cache 15 % des mots, le modèle doit les retrouver.
import math

import torch

from genai_docs.pretraining import (
    COURSE_SENTENCE,
    IGNORE_INDEX,
    FamilyConfig,
    build_course_vocab,
    build_model,
    masked_lm_example,
    objective_loss,
)

vocab = build_course_vocab()
mots = vocab.encode(COURSE_SENTENCE)
exemple = masked_lm_example(vocab, mots, mask_prob=0.15, generator=torch.Generator().manual_seed(0))
entree, etiquettes = exemple.input_ids.tolist(), exemple.labels.tolist()

print("Ce que lit BERT :")
print("  " + " ".join(vocab.decode(entree)))
print(
    f"\nÉtiquettes : {IGNORE_INDEX} partout, sauf aux {len(exemple.chosen)} positions choisies "
    f"(15 % de {len(mots)} mots) :"
)
for pos in exemple.chosen.tolist():
    lu, cible = vocab.tokens[entree[pos]], vocab.tokens[etiquettes[pos]]
    if lu == "[MASK]":
        sort = "remplacé par [MASK]"
    elif lu == cible:
        sort = "laissé tel quel"
    else:
        sort = "remplacé par un mot au hasard"
    print(f"  position {pos:2d} : lit « {lu} », doit retrouver « {cible} » ({sort})")

modele = build_model("bert", FamilyConfig.for_vocab(vocab))
perte = objective_loss(modele, exemple)
print(
    f"\nPerte du BERT aléatoire : {perte:.2f} nats par mot caché ; "
    f"ln({len(vocab)}) = {math.log(len(vocab)):.2f} (un tirage uniforme)"
)
