# Le rang de LoRA : plus de rang, plus appris sur le nouveau domaine, et plus oublié de l'ancien.
import matplotlib.pyplot as plt

from genai_docs import french
from genai_docs.adapt import ADAPT, run_record
from genai_docs.values import claim, publish
from genai_docs.verdicts import monotonic, series

runs = run_record()["runs"]  # les affinages, faits une fois par construction du site, en cache
rangs = list(ADAPT.ranks)
espace = [runs[f"lora_{r}"]["domain"] for r in rangs]
cours = [runs[f"lora_{r}"]["course"] for r in rangs]
entraines = [runs[f"lora_{r}"]["trainable"] for r in rangs]

fig, (gauche, droite) = plt.subplots(1, 2, figsize=(10, 3.6))
for ax, valeurs, cle, titre in (
    (gauche, espace, "domain", "Nouveau domaine : ce qui est appris"),
    (droite, cours, "course", "Corpus du cours : ce qui est oublié"),
):
    ax.plot(rangs, valeurs, "o-", color="tab:blue", label="LoRA")
    ax.axhline(runs["full"][cle], color="tab:orange", ls="--", label="affinage complet")
    ax.set_xscale("log", base=2)
    ax.set_xticks(rangs, [str(r) for r in rangs])
    ax.set_xlabel("rang r des adaptateurs")
    ax.set_ylabel("perplexité sur les paragraphes mis de côté")
    ax.set_title(titre)
    ax.yaxis.set_major_formatter(lambda y, _: french.number(y, 0 if y >= 10 else 1))
    ax.legend()
droite.axhline(runs["base"]["course"], color="gray", ls=":", label="avant affinage")
droite.legend()
fig.tight_layout()

print("rang r               : " + " ; ".join(str(r) for r in rangs))
print("paramètres entraînés : " + " ; ".join(french.number(n) for n in entraines))
print("perplexité, espace   : " + series(espace, 1))
print("perplexité, cours    : " + series(cours, 2))
publish("rang_min", rangs[0])
publish("rang_max", rangs[-1])
publish("espace_rang_min", espace[0], 0)
publish("espace_rang_max", espace[-1], 0)
publish("cours_rang_min", cours[0], 2)
publish("cours_rang_max", cours[-1], 2)
claim("rang_apprend", monotonic(espace) == "decreasing", f"espace : {series(espace, 1)}")
claim("rang_oublie", monotonic(cours) == "increasing", f"cours : {series(cours, 2)}")
claim("rang_loin_du_complet", min(espace) > 2 * runs["full"]["domain"],
      f"{french.number(min(espace), 1)} > 2 × {french.number(runs['full']['domain'], 1)}")  # fmt: skip
