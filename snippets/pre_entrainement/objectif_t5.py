# Corruption de segments (T5) : des groupes de mots disparaissent, remplacés par des sentinelles.
import math

import torch

from genai_docs.french import number, percent
from genai_docs.pretraining import (
    COURSE_SENTENCE,
    FamilyConfig,
    build_course_vocab,
    build_model,
    causal_lm_example,
    masked_lm_example,
    objective_loss,
    span_corruption_example,
)
from genai_docs.values import claim, publish

vocab = build_course_vocab()
mots = vocab.encode(COURSE_SENTENCE)
PROPORTION = 0.15  # la part des mots que T5 retire (Raffel et al., 2020)
exemple = span_corruption_example(
    vocab,
    mots,
    noise_density=PROPORTION,
    mean_span_length=3.0,
    generator=torch.Generator().manual_seed(1),
)

print("Entrée de l'encodeur :")
print("  " + " ".join(vocab.decode(exemple.input_ids.tolist())))
print("Cible du décodeur :")
print("  " + " ".join(vocab.decode(exemple.labels.tolist())))
sentinelles = [t for t in vocab.decode(exemple.input_ids.tolist()) if t.startswith("<extra_id_")]
print(
    f"\n{len(exemple.chosen)} mots cachés sur {len(mots)} ({percent(PROPORTION, 0)}), "
    f"en {len(sentinelles)} segments ; la cible compte {len(exemple.labels)} tokens."
)

modele = build_model("t5", FamilyConfig.for_vocab(vocab))
perte = objective_loss(modele, exemple)
with torch.no_grad():  # T5 construit l'entrée de son décodeur en décalant la cible d'un cran
    logits = modele(input_ids=exemple.input_ids[None], labels=exemple.labels[None]).logits[0]
lu_par_le_decodeur = [vocab.pad_id, *exemple.labels[:-1].tolist()]  # <pad>, puis la cible décalée
copie = sum(p == lu for p, lu in zip(logits.argmax(-1).tolist(), lu_par_le_decodeur, strict=True))
print(
    f"\nPerte du T5 aléatoire : {number(perte, 2)} nats par token de la cible ; "
    f"ln({len(vocab)}) = {number(math.log(len(vocab)), 2)}"
)
print(
    f"Son token favori est celui que son décodeur vient de lire à {copie} positions "
    f"sur {len(lu_par_le_decodeur)} : avant tout entraînement, il tend déjà à recopier son entrée."
)
publish("t5_caches", len(exemple.chosen))
publish("t5_segments", len(sentinelles))
publish("t5_cible", len(exemple.labels))
publish("perte_t5", perte, 2)
publish("t5_copie", copie)
publish("t5_positions", len(lu_par_le_decodeur))

# Combien de positions chaque objectif fait-il prédire sur cette phrase ? (mêmes réglages
# et mêmes graines que les deux blocs précédents)
n_mlm = len(masked_lm_example(vocab, mots, generator=torch.Generator().manual_seed(0)).chosen)
n_clm = len(causal_lm_example(vocab, mots).input_ids) - 1
print(f"Positions à prédire : {n_clm} (causal), {n_mlm} (masqué), {len(exemple.labels)} (T5).")

# Ce que la page dit de ces sorties, vérifié ici.
ln_v = math.log(len(vocab))
juste = sum(
    lu == cible for lu, cible in zip(lu_par_le_decodeur, exemple.labels.tolist(), strict=True)
)
claim(
    "cible_courte",
    len(exemple.labels) <= len(mots) / 3,
    f"{len(exemple.labels)} tokens de cible pour {len(mots)} dans la phrase",
)
claim(
    "un_peu_au_dessus",
    0 < perte - ln_v < 1,
    f"{number(perte, 2)} − ln({len(vocab)}) = {number(perte - ln_v, 2)}",
)
claim(
    "recopie_favorite",
    copie > len(lu_par_le_decodeur) / 2,
    f"favori = token lu à {copie} positions sur {len(lu_par_le_decodeur)}",
)
claim(
    "recopier_est_faux",
    juste <= 1,
    f"la cible répète le token lu à {juste} position sur {len(lu_par_le_decodeur)}",
)
claim(
    "causal_le_plus",
    n_clm > max(n_mlm, len(exemple.labels)),
    f"{n_clm} positions (causal) contre {n_mlm} (masqué) et {len(exemple.labels)} (T5)",
)
