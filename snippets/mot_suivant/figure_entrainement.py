# La perte d'entraînement pas à pas, et la probabilité de « ballon » à chaque point de contrôle.
import matplotlib.pyplot as plt

from genai_docs import french
from genai_docs.transformer import (
    course_checkpoints,
    course_losses,
    load_course_model,
    top_k_next_tokens,
)
from genai_docs.values import claim
from genai_docs.verdicts import from_where

pertes = course_losses()
etapes = course_checkpoints()
p_ballon, ballon_premier = [], []
for etape in etapes:
    modele, tokeniseur = load_course_model(step=etape)
    probas = dict(
        top_k_next_tokens(modele, tokeniseur, "Omar a frappé un", k=tokeniseur.get_vocab_size())
    )
    p_ballon.append(probas[" ballon"])
    ballon_premier.append(max(probas, key=probas.get) == " ballon")

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

# Ce que dit le texte : la perte fait l'essentiel de sa descente dans les 100 premiers pas
# (moyennes de 10 pas), et « ballon » passe en tête bien avant la fin, pour y rester.
debut, pas_100, fin = (sum(pertes[i : i + 10]) / 10 for i in (0, 90, len(pertes) - 10))
part = (debut - pas_100) / (debut - fin)
claim("perte_chute_vite", part > 0.8, f"{french.percent(part, 0)} de la descente au pas 100")
depuis = from_where(etapes, ballon_premier)
claim(
    "ballon_tot",
    depuis is not None and depuis < etapes[-1],
    f"« ballon » premier à partir du pas {depuis}, sur {french.number(etapes[-1])}",
)
