# Où regarde le mini-GPT entraîné ? Les poids d'attention sur une phrase française.
import matplotlib.pyplot as plt
import torch

from genai_docs import french
from genai_docs.transformer import load_course_model, show_pieces
from genai_docs.values import claim, publish

modele, tokeniseur = load_course_model()
phrase = "Omar a posé son ballon sur la table. Plus tard, il a repris son"
ids = torch.tensor([tokeniseur.encode(phrase).ids])  # (1, T)
with torch.no_grad():
    logits, _, attentions = modele(ids, return_attention=True)  # n_layer × (1, n_head, T, T)
tokens = [t.replace("␣", " ") for t in show_pieces(tokeniseur, phrase)]

# Pour prédire le mot qui suit le dernier « son », il faut retrouver « ballon », loin derrière :
# on montre la tête d'attention qui, depuis la dernière position, regarde le plus « ballon ».
cible = tokens.index(" ballon")
poids = torch.stack([a[0, :, -1, cible] for a in attentions])  # (n_layer, n_head)
couche, tete = divmod(int(poids.argmax()), poids.shape[1])
carte = attentions[couche][0, tete]  # (T, T) : ligne = qui regarde, colonne = qui est regardé

fig, ax = plt.subplots(figsize=(7.5, 6.5))
image = ax.imshow(carte.numpy(), cmap="viridis", vmin=0, vmax=1)
ax.set_xticks(range(len(tokens)), tokens, rotation=90)
ax.set_yticks(range(len(tokens)), tokens)
ax.set_xlabel("token regardé (clé)")
ax.set_ylabel("token qui regarde (requête)")
ax.set_title(f"Couche {couche + 1}, tête {tete + 1} du mini-GPT entraîné")
fig.colorbar(image, ax=ax, fraction=0.046, label="poids d'attention")
fig.tight_layout()

print(
    f"Couche {couche + 1}, tête {tete + 1} : depuis le dernier « son », les 3 tokens les plus regardés"
)
for j in carte[-1].topk(3).indices.tolist():
    print(f"  position {j:2d}  {tokens[j]!r:<10} poids {french.number(carte[-1, j], 2)}")
suivant = logits[0, -1].softmax(-1)  # (V,)
mot = tokeniseur.decode([int(suivant.argmax())])
print(f"Mot prédit ensuite : {mot!r} ({french.percent(suivant.max().item(), 0)})")

publish("tetes", poids.numel())
publish("distance_ballon", len(tokens) - 1 - cible)
publish("couche_choisie", couche + 1)
publish("tete_choisie", tete + 1)
publish("poids_ballon", carte[-1, cible].item(), 2)
publish("mot_predit", mot.strip())
publish("proba_predit", french.percent(suivant.max().item(), 0))
futur = max(a[0].triu(diagonal=1).abs().max().item() for a in attentions)  # toutes les têtes
claim("futur_nul", futur == 0.0, f"plus grand poids au-dessus de la diagonale : {futur}")
