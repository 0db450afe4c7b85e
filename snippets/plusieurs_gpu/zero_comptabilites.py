# Les mêmes 16 octets par paramètre, rangés autrement : l'article de ZeRO (poids et gradients
# fp16, copie maîtresse fp32 dans les états de l'optimiseur, K = 12) contre l'autocast de
# PyTorch (poids fp32 = copie maîtresse, gradients fp32, deux moments d'AdamW).
# L'exemple est celui de la figure 1 de l'article : 7,5 milliards de paramètres, 64 GPU.
from genai_docs import french
from genai_docs.memory.zero import ACCOUNTINGS, model_states
from genai_docs.values import claim, publish

PSI, N = 7.5e9, 64
ARTICLE = [120, 31.4, 16.6, 1.9]  # Go par GPU, figure 1 de l'article (Rajbhandari et al., 2020)
ETAPES = ["ZeRO-0 (DDP)", "ZeRO-1 : états de l'optimiseur", "ZeRO-2 : + gradients",
          "ZeRO-3 : + poids"]  # fmt: skip


def octets_par_parametre(nom):
    b = ACCOUNTINGS[nom]
    return f"{b.weights} + {b.gradients} + {b.optimizer}"


print(
    f"| étape, {french.number(N)} GPU | article ({octets_par_parametre('zero')}) "
    f"| chiffre publié | autocast de PyTorch ({octets_par_parametre('autocast')}) |"
)
print("| --- | ---: | ---: | ---: |")
ecarts = []
for etape, (nom, publie) in enumerate(zip(ETAPES, ARTICLE, strict=True)):
    article = sum(model_states(PSI, etape, N, "zero").values())
    autocast = sum(model_states(PSI, etape, N, "autocast").values())
    ecarts.append(abs(article / 1e9 - publie))
    cases = [french.size(article, "Go", 1), f"{french.number(publie, 1)}{french.NBSP}Go",
             french.size(autocast, "Go", 1)]  # fmt: skip
    print(f"| {nom} | " + " | ".join(cases) + " |")
    publish(f"article_zero{etape}", french.size(article, "Go", 1))
    publish(f"autocast_zero{etape}", french.size(autocast, "Go", 1))

publish("psi_article", PSI / 1e9, 1)
publish("gpus_article", N)
claim(
    "article_retrouve",
    max(ecarts) < 0.05,
    f"écart le plus grand avec la figure 1 : {french.number(max(ecarts), 3)} Go (< 0,05)",
)
# Étapes 1 et 2 : l'article découpe 12 puis 14 octets par paramètre, autocast 8 puis 12.
totaux = {
    (etape, nom): sum(model_states(PSI, etape, N, nom).values())
    for etape in (1, 2)
    for nom in ("zero", "autocast")
}
claim(
    "autocast_plus_lourd",
    all(totaux[e, "autocast"] > totaux[e, "zero"] for e in (1, 2)),
    " ; ".join(
        f"ZeRO-{e} : {french.size(totaux[e, 'autocast'], 'Go', 1)} avec autocast > "
        f"{french.size(totaux[e, 'zero'], 'Go', 1)}"
        for e in (1, 2)
    ),
)
