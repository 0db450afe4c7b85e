# LSTM contre transformer, de tailles voisines : le temps d'un pas d'entraînement (passe
# avant, passe arrière, mise à jour) quand la séquence s'allonge.
import time

import torch

from genai_docs import french
from genai_docs.transformer import GPT, GPTConfig, LSTMLanguageModel, lstm_config_like
from genai_docs.values import claim, publish
from genai_docs.verdicts import compare, from_where, series

device = "cuda" if torch.cuda.is_available() else "cpu"
longueurs = [128, 256, 512, 1024] if device == "cuda" else [32, 64, 128, 256]
batch, repetitions = (32, 10) if device == "cuda" else (8, 2)
nom = torch.cuda.get_device_name() if device == "cuda" else "CPU"


def temps_par_pas(modele, seq_len):
    """Durée moyenne d'un pas d'entraînement, en ms (le premier pas sert d'échauffement)."""
    optimiseur = torch.optim.AdamW(modele.parameters(), lr=1e-3)
    x = torch.randint(0, modele.config.vocab_size, (batch, seq_len), device=device)
    for i in range(1 + repetitions):
        if i == 1:
            if device == "cuda":
                torch.cuda.synchronize()
            debut = time.perf_counter()
        _, perte = modele(x, x)
        optimiseur.zero_grad()
        perte.backward()
        optimiseur.step()
    if device == "cuda":
        torch.cuda.synchronize()
    return 1000 * (time.perf_counter() - debut) / repetitions


print(f"Temps d'un pas d'entraînement ({nom}, batch de {batch} séquences)\n")
print("| longueur de séquence | transformer (ms) | LSTM (ms) | LSTM / transformer |")
print("|---:|---:|---:|---:|")
rapports = []
for seq_len in longueurs:
    gpt = GPT(GPTConfig(seq_len=seq_len)).to(device)
    lstm = LSTMLanguageModel(lstm_config_like(gpt.config)).to(device)
    t_gpt, t_lstm = temps_par_pas(gpt, seq_len), temps_par_pas(lstm, seq_len)
    rapports.append(t_lstm / t_gpt)
    print(f"| {seq_len} | {french.number(t_gpt, 1)} | {french.number(t_lstm, 1)} "
          f"| {french.number(rapports[-1], 2)} |")  # fmt: skip
n_gpt, n_lstm = (french.number(m.num_parameters()) for m in (gpt, lstm))
print(f"\nParamètres (à la plus grande longueur) : transformer {n_gpt}, LSTM {n_lstm}.")

# Le verdict se lit sur toute la série, avec une large marge : un temps mesuré varie d'une
# machine à l'autre, et d'une exécution à l'autre sur une machine chargée.
marge = 0.5  # un écart de moins de 1,5 fois ne compte pas
plus_lent = from_where(longueurs, [r > 1 + marge for r in rapports])
sens = compare(rapports, marge)
if sens == "above":
    verdict = "le LSTM est nettement plus lent à toutes les longueurs mesurées"
elif sens == "below":
    verdict = "le LSTM est nettement plus rapide à toutes les longueurs mesurées"
elif plus_lent is not None:
    verdict = f"le LSTM devient nettement plus lent à partir de {plus_lent} tokens"
else:
    verdict = "pas de tendance nette : aucun des deux n'est 1,5 fois plus rapide partout"
publish("appareil_temps", nom if device == "cuda" else "le processeur (CPU)")
publish("verdict_temps", verdict)
publish("rapport_temps_court", rapports[0], 2)
publish("rapport_temps_long", rapports[-1], 2)
publish("longueur_courte", longueurs[0])
publish("longueur_longue", longueurs[-1])
tient = {
    "above": all(r > 1 + marge for r in rapports),
    "below": all(r < 1 / (1 + marge) for r in rapports),
    "mixed": plus_lent is None
    or all(r > 1 + marge for r in rapports[longueurs.index(plus_lent) :]),
}[sens]
claim("verdict_temps", tient, f"LSTM / transformer : {series(rapports)} ; marge : × 1,5")
