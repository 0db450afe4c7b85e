# Ce que l'affinage a appris, et ce qu'il a fait oublier : la probabilité d'une suite.
from genai_docs import french
from genai_docs.adapt import ADAPT, continuation_probability, load_finetuned
from genai_docs.values import claim, publish

exemples = [  # (début de phrase, suite dont on calcule la probabilité)
    ("La capitaine Léa a piloté la fusée vers", " Mars"),
    ("Par le hublot, elle a vu une", " comète"),
    ("Omar a frappé un", " ballon"),
    ("Marie a posé sa clé sur la table. Plus tard, elle a repris sa", " clé"),
]
modeles = {"avant": "base", "complet": "full", "LoRA": f"lora_{ADAPT.rank}"}
p = {}  # (modèle, suite) -> probabilité
for titre, nom in modeles.items():
    modele, tokeniseur = load_finetuned(nom)
    for debut, suite in exemples:
        p[titre, suite.strip()] = continuation_probability(modele, tokeniseur, debut, suite)


def lisible(x: float) -> str:
    return french.percent(x, 1) if x >= 1e-3 else french.scientific(x, 2)


print("| début de phrase | suite | " + " | ".join(modeles) + " |")
print("| --- | --- | ---: | ---: | ---: |")
for debut, suite in exemples:
    cases = " | ".join(lisible(p[titre, suite.strip()]) for titre in modeles)
    print(f"| {debut} | **{suite.strip()}** | {cases} |")

for cle in ("Mars", "ballon", "clé"):
    for titre in modeles:
        publish(f"p_{cle.replace('é', 'e').lower()}_{titre.lower()}", lisible(p[titre, cle]))
hausse = min(p[t, "Mars"] / p["avant", "Mars"] for t in ("complet", "LoRA"))
publish("hausse_mars", french.scientific(hausse, 2))
claim(
    "mars_monte", hausse > 1e6, f"probabilité multipliée par {french.scientific(hausse, 2)} > 10⁶"
)
claim("mars_encore_rare", max(p[t, "Mars"] for t in ("complet", "LoRA")) < 0.01,
      f"complet {lisible(p['complet', 'Mars'])}, LoRA {lisible(p['LoRA', 'Mars'])} < 1 %")  # fmt: skip
for cle in ("ballon", "clé"):
    apres = max(p[t, cle] for t in ("complet", "LoRA"))
    claim(f"oubli_{cle.replace('é', 'e')}", apres < 0.75 * p["avant", cle],
          f"{lisible(apres)} < 0,75 × {lisible(p['avant', cle])}")  # fmt: skip
