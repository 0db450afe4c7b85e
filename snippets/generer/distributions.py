# La distribution du token suivant après « Hier, Léa a », puis remodelée par la température,
# le top-k et le top-p (noyau).
import matplotlib.pyplot as plt
import torch
from matplotlib.ticker import FuncFormatter

from genai_docs import french
from genai_docs.transformer import load_course_model
from genai_docs.transformer.sampling import entropy, temperature_probs, top_k, top_p
from genai_docs.values import claim, publish

modele, tokeniseur = load_course_model()
ids = torch.tensor([tokeniseur.encode("Hier, Léa a").ids])  # (1, T)
with torch.no_grad():
    logits = modele(ids)[0][0, -1]  # (V,) les scores du token suivant

p = temperature_probs(logits, 1.0)  # la distribution du modèle
reglages = {
    "le modèle (τ = 1)": p,
    "température τ = 0,5": temperature_probs(logits, 0.5),
    "température τ = 2": temperature_probs(logits, 2.0),
    "top-k, k = 5": top_k(p, 5),
    "top-p, p = 0,9": top_p(p, 0.9),
    "glouton (τ → 0)": temperature_probs(logits, 0.0),
}

ordre = p.argsort(descending=True)[:15]  # les 15 tokens les plus probables pour le modèle
noms = [tokeniseur.decode([i]).strip() for i in ordre.tolist()] + ["autres"]
fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), sharey=True)
for ax, (titre, q) in zip(axes.flat, reglages.items(), strict=True):
    barres = q[ordre].tolist() + [1 - q[ordre].sum().item()]  # le reste, en une barre
    ax.bar(range(len(noms)), barres, color=["tab:blue"] * 15 + ["tab:gray"])
    ax.set_xticks(range(len(noms)), noms, rotation=70, fontsize=8)
    n = int((q > 0).sum())
    ax.set_title(f"{titre}\n{n} token{'s' if n > 1 else ''} de probabilité non nulle", fontsize=10)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: french.percent(v, 0)))
for ax in axes[:, 0]:
    ax.set_ylabel("probabilité du token suivant")
fig.suptitle("Après « Hier, Léa a » : une même distribution, six façons de tirer")
fig.tight_layout()

for titre, q in reglages.items():
    print(f"{titre:<20} P(« {noms[0]} ») = {french.percent(q[ordre[0]].item(), 1):>8}"
          f"   entropie = {french.number(entropy(q).item(), 2)} nats")  # fmt: skip

gardes = int((reglages["top-p, p = 0,9"] > 0).sum())
publish("premier_token", noms[0])
publish("p_premier", french.percent(p[ordre[0]].item(), 0))
publish("p_premier_froid", french.percent(reglages["température τ = 0,5"][ordre[0]].item(), 0))
publish("p_premier_chaud", french.percent(reglages["température τ = 2"][ordre[0]].item(), 0))
publish("noyau_gardes", gardes)
publish("vocabulaire", p.numel())
entropies = [entropy(temperature_probs(logits, t)).item() for t in (0.5, 1.0, 2.0)]
claim(
    "temperature_etale",
    entropies[0] < entropies[1] < entropies[2],
    f"entropie à τ = 0,5 ; 1 ; 2 : {' < '.join(french.number(e, 2) for e in entropies)} nats",
)
claim(
    "top_k_exact",
    int((reglages["top-k, k = 5"] > 0).sum()) == 5
    and abs(reglages["top-k, k = 5"].sum().item() - 1) < 1e-6,
    "5 tokens de probabilité non nulle, de somme 1",
)
tri = p.sort(descending=True).values
masse, sans_dernier = tri[:gardes].sum().item(), tri[: gardes - 1].sum().item()
claim(
    "noyau_minimal",
    masse >= 0.9 > sans_dernier,
    f"les {gardes} premiers : {french.percent(masse, 1)} ≥ 90 % ; "
    f"sans le dernier : {french.percent(sans_dernier, 1)} < 90 %",
)
queue = 1 - p[ordre].sum().item()  # la probabilité de tout ce qui n'est pas un verbe
queue_chaude = 1 - reglages["température τ = 2"][ordre].sum().item()
claim(
    "queue_chaude",
    queue_chaude > 10 * queue,
    f"hors des 15 premiers : {french.percent(queue, 1)} à τ = 1, "
    f"{french.percent(queue_chaude, 1)} à τ = 2",
)
publish("p_autres", french.percent(queue, 1))
publish("p_autres_chaud", french.percent(queue_chaude, 0))

# Le noyau s'adapte : là où le modèle est sûr de lui, il se réduit à quelques tokens.
sur = torch.tensor([tokeniseur.encode("Omar a frappé un").ids])
with torch.no_grad():
    p_sur = modele(sur)[0][0, -1].softmax(-1)  # (V,)
gardes_sur = int((top_p(p_sur, 0.9) > 0).sum())
claim("noyau_adaptatif", gardes_sur < gardes, f"{gardes_sur} tokens gardés contre {gardes}")
publish("noyau_ballon", gardes_sur)
publish("p_ballon", french.percent(p_sur.max().item(), 0))
