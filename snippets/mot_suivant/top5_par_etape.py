# Les 5 tokens les plus probables après « Omar a frappé un », à différents moments de
# l'entraînement, et ce qui suit vraiment « Omar a frappé un » dans le corpus d'entraînement.
import math
import re
from collections import Counter

import torch

from genai_docs import french
from genai_docs.transformer import (
    corpus_text,
    course_checkpoints,
    load_course_model,
    top_k_next_tokens,
)
from genai_docs.transformer.corpus import NOUNS
from genai_docs.values import claim, publish

invite = "Omar a frappé un"
etapes = course_checkpoints()  # les pas d'entraînement où les poids ont été gardés

colonnes = []
for etape in etapes:
    modele, tokeniseur = load_course_model(step=etape)
    colonnes.append(top_k_next_tokens(modele, tokeniseur, invite, k=5))

suites = Counter(re.findall(invite + r" (\w+)", corpus_text("train")))
total = sum(suites.values())
colonnes.append([(mot, n / total) for mot, n in suites.most_common(5)])


def cellule(token, proba):
    return f"`{token.strip() or repr(token)}` {french.percent(proba)}"


entetes = [f"après {e} pas" for e in etapes] + ["fréquence dans le corpus"]
print("| rang | " + " | ".join(entetes) + " |")
print("|---:|" + "---|" * len(entetes))
for rang in range(5):
    ligne = [cellule(*col[rang]) if rang < len(col) else "" for col in colonnes]
    print(f"| {rang + 1} | " + " | ".join(ligne) + " |")

# Les chiffres que cite le texte autour du tableau.
V = modele.config.vocab_size  # le modèle répartit sa probabilité sur ses V logits
publish("uniforme", french.percent(1 / V, 2))
publish("pas_final", etapes[-1])
publish("ballon_final", french.percent(dict(colonnes[-2])[" ballon"]))
publish("ballon_corpus", french.percent(suites["ballon"] / total))
for etape, colonne in zip(etapes, colonnes, strict=False):
    publish(f"premier_pas_{etape}", colonne[0][0].strip() or repr(colonne[0][0]))
    publish(f"proba_premier_pas_{etape}", french.percent(colonne[0][1]))

# Avant l'entraînement : une distribution presque uniforme sur les V logits (sa perplexité,
# l'exponentielle de son entropie, vaut presque V).
premier, _ = load_course_model(step=0)
with torch.no_grad():
    p0 = premier(torch.tensor([tokeniseur.encode(invite).ids]))[0][0, -1].softmax(-1)  # (V,)
perplexite_0 = math.exp(-(p0 * p0.log()).sum().item())
claim(
    "depart_uniforme", perplexite_0 > 0.9 * V, f"perplexité {french.number(perplexite_0)} sur {V}"
)
# Après 10 pas : des probabilités encore minuscules.
claim(
    "pas_10_minuscule",
    colonnes[1][0][1] < 0.02,
    f"au pas {etapes[1]}, le premier a {french.percent(colonnes[1][0][1])} < 2 %",
)
# Au pas 100 : que des objets, mais surtout des objets qu'on ne frappe jamais dans le corpus.
objets_100 = [t.strip() for t, _ in colonnes[etapes.index(100)]]
jamais_frappes = [o for o in objets_100 if o in NOUNS and suites[o] == 0]
claim(
    "objets_pas_100",
    all(o in NOUNS for o in objets_100) and len(jamais_frappes) >= 3,
    f"au pas 100 : {', '.join(objets_100)} ; jamais après « {invite} » dans le corpus : "
    f"{', '.join(jamais_frappes)}",
)
premier_100, p_100 = colonnes[etapes.index(100)][0]
claim(
    "ballon_100_loin",
    premier_100 == " ballon" and p_100 < 0.6 * suites["ballon"] / total,
    f"au pas 100 : {premier_100.strip()} {french.percent(p_100)}, "
    f"corpus {french.percent(suites['ballon'] / total)}",
)
# À la fin : les probabilités des suites réelles sont proches de leurs fréquences.
final = dict(colonnes[-2])
ecarts = {mot: abs(final.get(" " + mot, 0.0) - n / total) for mot, n in suites.most_common(3)}
claim(
    "final_comme_corpus",
    max(ecarts.values()) < 0.05,
    "écarts au corpus, en points : "
    + ", ".join(f"{mot} {french.number(100 * e, 1)}" for mot, e in ecarts.items())
    + " (< 5)",
)
# Combien un modèle parfait hésiterait-il encore après « Omar a frappé un » ? La perplexité
# des suites du corpus lui-même : le plancher que le hasard de la grammaire impose.
entropie = -sum(n / total * math.log(n / total) for n in suites.values())
publish("perplexite_frappe", math.exp(entropie), 1)
claim(
    "hasard_du_corpus",
    math.exp(entropie) > 1.2,
    f"perplexité du corpus après « {invite} » : {french.number(math.exp(entropie), 2)} > 1,2",
)
