# Les 5 tokens les plus probables après « Omar a frappé un », à différents moments de
# l'entraînement, et ce qui suit vraiment « Omar a frappé un » dans le corpus d'entraînement.
import re
from collections import Counter

from genai_docs import french
from genai_docs.transformer import (
    corpus_text,
    course_checkpoints,
    load_course_model,
    top_k_next_tokens,
)
from genai_docs.values import publish

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
publish("uniforme", french.percent(1 / tokeniseur.get_vocab_size(), 2))
publish("pas_final", etapes[-1])
publish("ballon_final", french.percent(dict(colonnes[-2])[" ballon"]))
publish("ballon_corpus", french.percent(suites["ballon"] / total))
for etape, colonne in zip(etapes, colonnes, strict=False):
    publish(f"premier_pas_{etape}", colonne[0][0].strip() or repr(colonne[0][0]))
    publish(f"proba_premier_pas_{etape}", french.percent(colonne[0][1]))
