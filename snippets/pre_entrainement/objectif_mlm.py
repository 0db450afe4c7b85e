# Modèle de langage masqué (BERT) : on cache 15 % des mots, le modèle doit les retrouver.
import math

import torch

from genai_docs.french import number, percent
from genai_docs.pretraining import (
    COURSE_SENTENCE,
    IGNORE_INDEX,
    FamilyConfig,
    build_course_vocab,
    build_model,
    masked_lm_example,
    objective_loss,
)
from genai_docs.values import claim, publish

vocab = build_course_vocab()
mots = vocab.encode(COURSE_SENTENCE)
PROPORTION = 0.15  # la part des mots que BERT choisit (Devlin et al., 2019)
exemple = masked_lm_example(
    vocab, mots, mask_prob=PROPORTION, generator=torch.Generator().manual_seed(0)
)
entree, etiquettes = exemple.input_ids.tolist(), exemple.labels.tolist()

print("Ce que lit BERT :")
print("  " + " ".join(vocab.decode(entree)))
print(
    f"\nÉtiquettes : {number(IGNORE_INDEX)} partout, sauf aux {len(exemple.chosen)} positions "
    f"choisies ({percent(PROPORTION, 0)} de {len(mots)} mots) :"
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
    f"\nPerte du BERT aléatoire : {number(perte, 2)} nats par mot caché ; "
    f"ln({len(vocab)}) = {number(math.log(len(vocab)), 2)} (un tirage uniforme)"
)
publish("perte_bert", perte, 2)
publish("ln_v", math.log(len(vocab)), 2)
publish("mlm_choisis", len(exemple.chosen))
ecart = perte - math.log(len(vocab))
claim("bert_au_depart", abs(ecart) < 0.25, f"perte − ln({len(vocab)}) = {number(ecart, 2)}")
