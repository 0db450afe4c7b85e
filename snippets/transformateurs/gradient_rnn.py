# Jusqu'où remonte l'information ? On mesure, dans un réseau récurrent et dans une couche
# d'attention (poids aléatoires, avant tout entraînement), combien la dernière sortie
# dépend de chaque mot d'entrée : la norme du gradient ||∂ sortie_T / ∂ entrée_t||.
import matplotlib.pyplot as plt
import torch

from genai_docs import french
from genai_docs.values import claim, publish

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
# la part qu'il en reste à 20 mots de distance (influence à k = 20 / influence à k = 0).
rnn_seul = courbes["RNN simple"].detach()
part_20 = (rnn_seul[-21] / rnn_seul[-1]).item()
publish("rnn_facteur_par_pas", (1 / part_20) ** (1 / 20), 1)
publish("rnn_part_20", french.scientific(part_20, 2))
publish("rnn_fois_moins_20", french.scientific(1 / part_20, 2))
claim("rnn_efface_20", part_20 < 1e-6, f"part à k = 20 : {french.scientific(part_20, 2)} < 10⁻⁶")

# Le LSTM décroît moins vite que le RNN simple, mais décroît aussi (facteur moyen par pas sur
# toute la série, de k = 0 à k = 63) ; l'attention reste du même ordre à toutes les distances.
lstm_seul, attention_seule = courbes["LSTM"].detach(), courbes["Attention causale"].detach()
facteur = {nom: (c[-1] / c[0]).item() ** (1 / (seq_len - 1)) for nom, c in courbes.items()}
claim(
    "lstm_decroit_moins_vite",
    1 < facteur["LSTM"] < facteur["RNN simple"] and (lstm_seul[-1] / lstm_seul[0]).item() > 1e6,
    f"facteur moyen par pas : LSTM {french.number(facteur['LSTM'], 2)}, "
    f"RNN simple {french.number(facteur['RNN simple'], 2)} ; LSTM à k = 63 : "
    f"{french.scientific((lstm_seul[-1] / lstm_seul[0]).item(), 2)} fois moins qu'à k = 0",
)
loin = attention_seule[:-1]  # k = 1 à 63 : tous les mots sauf le dernier lui-même
ecart = (loin.max() / loin.min()).item()
publish("attention_min", french.scientific(loin.min().item(), 2))
publish("attention_max", french.scientific(loin.max().item(), 2))
claim(
    "attention_plate",
    ecart < 3,
    f"de k = 1 à k = 63, l'influence varie d'un facteur {french.number(ecart, 2)} < 3",
)

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
