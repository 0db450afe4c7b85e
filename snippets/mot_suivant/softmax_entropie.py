# Des logits aux probabilités (softmax), puis la perte d'entropie croisée sur un exemple.
import torch

from genai_docs.transformer import load_course_model

modele, tokeniseur = load_course_model()
ids = torch.tensor([tokeniseur.encode("Omar a frappé un").ids])  # (1, T)
with torch.no_grad():
    logits, _ = modele(ids)  # (1, T, V) : un score par token du vocabulaire, à chaque position
z = logits[0, -1]  # les scores du token qui suit « un »

# softmax à la main : exponentielle, puis division par la somme
p = torch.exp(z - z.max()) / torch.exp(z - z.max()).sum()
assert torch.allclose(p, torch.softmax(z, dim=-1))
print(
    f"{len(z)} logits, de {z.min():.1f} à {z.max():.1f} ; les probabilités somment à {p.sum():.4f}"
)

for mot in [" ballon", " tambour", " livre", " jaune"]:
    i = tokeniseur.token_to_id(tokeniseur.encode(mot).tokens[0])
    print(
        f"  {mot!r:<11} logit {z[i]:6.2f}   probabilité {p[i]:.4f}   perte -log p = {-torch.log(p[i]):.3f}"
    )

# la perte d'une phrase entière : la moyenne des -log p du bon token suivant, position par position
phrase = torch.tensor([tokeniseur.encode("Omar a frappé un ballon au parc.").ids])  # (1, T)
_, perte = modele(phrase[:, :-1], phrase[:, 1:])
print(f"\nPerte moyenne sur « Omar a frappé un ballon au parc. » : {perte:.3f}")
print(f"Perplexité (exp de la perte) : {perte.exp():.2f}")
