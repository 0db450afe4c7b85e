# Jusqu'où remonte l'information ? On mesure, dans un réseau récurrent et dans une couche
# d'attention (poids aléatoires, avant tout entraînement), combien la dernière sortie
# dépend de chaque mot d'entrée : la norme du gradient ||∂ sortie_T / ∂ entrée_t||.
import matplotlib.pyplot as plt
import torch

from genai_docs import french
from genai_docs.values import publish

torch.manual_seed(0)
batch_size, seq_len, d_model = 16, 64, 32
x = torch.randn(batch_size, seq_len, d_model, requires_grad=True)  # (B, T, d_model)

rnn = torch.nn.RNN(d_model, d_model, batch_first=True)  # h_t = tanh(W x_t + U h_{t-1} + b)
lstm = torch.nn.LSTM(d_model, d_model, batch_first=True)
attention = torch.nn.MultiheadAttention(d_model, num_heads=4, batch_first=True)
causal = torch.triu(torch.ones(seq_len, seq_len, dtype=torch.bool), diagonal=1)  # True = interdit


def sensibilite(derniere_sortie):
    """Norme moyenne du gradient de la dernière sortie par rapport à chaque entrée x_t."""
    (grad,) = torch.autograd.grad(derniere_sortie.sum(), x)  # (B, T, d_model)
    return grad.norm(dim=-1).mean(dim=0)  # (T,)


courbes = {
    "RNN simple": sensibilite(rnn(x)[0][:, -1]),
    "LSTM": sensibilite(lstm(x)[0][:, -1]),
    "Attention causale": sensibilite(attention(x, x, x, attn_mask=causal)[0][:, -1]),
}

distance = torch.arange(seq_len - 1, -1, -1)  # nombre de mots entre x_t et la fin
print("Sensibilité de la dernière sortie à un mot situé k positions avant la fin")
print(f"{'k':>4} | " + " | ".join(f"{nom:>17}" for nom in courbes))
for k in [0, 1, 2, 5, 10, 20, 40, 63]:
    t = seq_len - 1 - k
    print(
        f"{k:>4} | "
        + " | ".join(f"{french.scientific(c[t].item(), 2):>17}" for c in courbes.values())
    )

# Ce que cite le texte : de combien l'influence baisse à chaque pas dans le RNN simple, et
# ce qu'il en reste à 20 mots de distance.
rnn_seul = courbes["RNN simple"].detach()
par_pas = (rnn_seul[-1] / rnn_seul[-21]) ** (1 / 20)
publish("rnn_facteur_par_pas", par_pas.item(), 1)
publish("rnn_attenuation_20", french.scientific((rnn_seul[-1] / rnn_seul[-21]).item(), 1))

# La phrase du texte : combien de mots séparent « enfants » de « sont » ?
phrase = "Les enfants qui jouaient au ballon dans la cour de l'école pendant que la maîtresse"
phrase = f"{phrase} fermait le portail sont rentrés".split(" ")
publish("distance_accord", phrase.index("sont") - phrase.index("enfants"))

fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
for nom, c in courbes.items():
    ax.semilogy(distance, c.detach(), marker=".", label=nom)
ax.set_xlabel("distance k entre le mot et la fin de la séquence")
ax.set_ylabel("||∂ sortie finale / ∂ mot||  (échelle log)")
ax.set_title("Poids aléatoires : l'information lointaine s'efface dans un RNN")
ax.legend()
