# La perte d'entraînement pas à pas, et la probabilité de « ballon » à chaque point de contrôle.
import matplotlib.pyplot as plt

from genai_docs import french
from genai_docs.transformer import (
    course_checkpoints,
    course_losses,
    load_course_model,
    top_k_next_tokens,
)

pertes = course_losses()
etapes = course_checkpoints()
p_ballon = []
for etape in etapes:
    modele, tokeniseur = load_course_model(step=etape)
    probas = dict(
        top_k_next_tokens(modele, tokeniseur, "Omar a frappé un", k=tokeniseur.get_vocab_size())
    )
    p_ballon.append(probas[" ballon"])

fig, (gauche, droite) = plt.subplots(1, 2, figsize=(10, 3.6))
gauche.plot(range(1, len(pertes) + 1), pertes, lw=1, color="tab:blue")
gauche.set_xscale("log")
gauche.set_xlabel("pas d'entraînement (échelle log)")
gauche.set_ylabel("perte (entropie croisée, nats)")
gauche.set_title("La perte baisse pendant l'entraînement")
for etape in etapes[1:]:
    gauche.axvline(etape, color="gray", ls=":", lw=1)

droite.bar([str(e) for e in etapes], p_ballon, color="tab:orange")
droite.set_ylim(0, 1)
droite.set_xlabel("pas d'entraînement")
droite.set_ylabel("P(« ballon » | « Omar a frappé un »)")
droite.set_title("« ballon » devient le mot le plus probable")
for i, p in enumerate(p_ballon):
    droite.text(i, p + 0.02, french.percent(p, 0), ha="center")
fig.tight_layout()
