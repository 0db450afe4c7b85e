# Des logits aux probabilités (softmax), puis la perte d'entropie croisée sur un exemple.
import math

import torch

from genai_docs import french
from genai_docs.transformer import load_course_model
from genai_docs.values import claim, publish

modele, tokeniseur = load_course_model()
ids = torch.tensor([tokeniseur.encode("Omar a frappé un").ids])  # (1, T)
with torch.no_grad():
    logits, _ = modele(ids)  # (1, T, V) : un score par token du vocabulaire, à chaque position
z = logits[0, -1]  # les scores du token qui suit « un »

# softmax à la main : exponentielle, puis division par la somme
p = torch.exp(z - z.max()) / torch.exp(z - z.max()).sum()
assert torch.allclose(p, torch.softmax(z, dim=-1))
print(
    f"{len(z)} logits, de {french.number(z.min(), 1)} à {french.number(z.max(), 1)} ; "
    f"les probabilités somment à {french.number(p.sum(), 4)}"
)

pertes = {}
for mot in ["ballon", "tambour", "livre", "jaune"]:
    i = tokeniseur.encode(" " + mot).ids[0]  # le token de « ␣ballon »
    perte = pertes[mot] = -torch.log(p[i]).item()
    print(
        f"  {mot:<8} logit {french.number(z[i], 2):>6}   probabilité {french.number(p[i], 4)}"
        f"   perte −log p = {french.number(perte, 3)}"
    )
    publish(f"proba_{mot}", french.percent(p[i].item()))
    publish(f"perte_{mot}", perte, 2 if perte < 10 else 1)

# Ce que dit le texte : une perte faible pour « ballon », lourde pour « jaune ».
claim("perte_ballon_faible", pertes["ballon"] < 0.5, f"{french.number(pertes['ballon'], 3)} < 0,5")
claim(
    "jaune_puni",
    pertes["jaune"] > 10 * pertes["ballon"] and pertes["jaune"] > -math.log(1e-3),
    f"−log p(jaune) = {french.number(pertes['jaune'], 1)}, plus de 10 fois "
    f"{french.number(pertes['ballon'], 3)}, et p(jaune) < 0,1 %",
)

# la perte d'une phrase entière : la moyenne des −log p du bon token suivant, position par position
phrase = torch.tensor([tokeniseur.encode("Omar a frappé un ballon au parc.").ids])  # (1, T)
with torch.no_grad():
    _, perte = modele(phrase[:, :-1], phrase[:, 1:])
print(f"\nPerte moyenne sur « Omar a frappé un ballon au parc. » : {french.number(perte, 3)}")
print(f"Perplexité (exp de la perte) : {french.number(perte.exp(), 2)}")
