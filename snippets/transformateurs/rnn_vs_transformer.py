# LSTM contre transformer, de tailles voisines : le temps d'un pas d'entraînement (passe
# avant, passe arrière, mise à jour) quand la séquence s'allonge. Sur GPU : les temps mesurés
# par measurements/rnn_transformer.py (frozen/rnn_transformer.json) ; sur le processeur de la
# machine qui construit le site : mesurés ici, à chaque construction.
import time

import torch

from genai_docs import french
from genai_docs.measurements import banner, load
from genai_docs.transformer import GPT, GPTConfig, LSTMLanguageModel, lstm_config_like
from genai_docs.values import claim, publish
from genai_docs.verdicts import compare, from_where, series

MARGE = 0.5  # un écart de moins de 1,5 fois ne compte pas : un temps varie d'une machine à l'autre


def verdict(longueurs, rapports):
    """Le verdict, lu sur toute la série des rapports LSTM / transformer."""
    plus_lent = from_where(longueurs, [r > 1 + MARGE for r in rapports])
    sens = compare(rapports, MARGE)
    if sens == "above":
        return "le LSTM est nettement plus lent à toutes les longueurs mesurées"
    if sens == "below":
        return "le LSTM est nettement plus rapide à toutes les longueurs mesurées"
    if plus_lent is not None:
        return f"le LSTM devient nettement plus lent à partir de {plus_lent} tokens, et le reste"
    return "pas de tendance nette : aucun des deux n'est 1,5 fois plus rapide partout"


def tableau(longueurs, temps_gpt, temps_lstm):
    print("| longueur de séquence | transformer (ms) | LSTM (ms) | LSTM / transformer |")
    print("|---:|---:|---:|---:|")
    for n, a, b in zip(longueurs, temps_gpt, temps_lstm, strict=True):
        print(f"| {n} | {french.number(1000 * a, 1)} | {french.number(1000 * b, 1)} | {french.number(b / a, 2)} |")  # fmt: skip
    return [b / a for a, b in zip(temps_gpt, temps_lstm, strict=True)]


# 1) Sur GPU : les temps enregistrés, lus ici.
mesures = load("rnn_transformer")
print("**Sur GPU**\n\n" + banner("rnn_transformer", mesures) + "\n")
if mesures:
    lignes = mesures.data["rows"]
    n_gpu = [r["seq_len"] for r in lignes]
    rapports_gpu = tableau(n_gpu, [r["transformer"] for r in lignes], [r["lstm"] for r in lignes])
    publish("verdict_temps_gpu", verdict(n_gpu, rapports_gpu))
    publish("gpu_temps", mesures.provenance["gpu"])
    publish("gpu_temps_date", mesures.provenance["date"])
    # Ce que dit la page : sur GPU, le LSTM finit nettement plus lent, aux plus grandes longueurs.
    claim(
        "lstm_lent_sur_gpu",
        rapports_gpu[-1] > 1 + MARGE
        and from_where(n_gpu, [r > 1 + MARGE for r in rapports_gpu]) is not None,
        f"LSTM / transformer : {series(rapports_gpu)} ; au-delà de × 1,5 jusqu'au bout de la série",
    )


# 2) Sur le processeur de cette machine : mesuré à chaque construction.
def temps_par_pas(modele, seq_len, batch=8, repetitions=2):
    """Durée moyenne d'un pas d'entraînement, en s (le premier pas sert d'échauffement)."""
    optimiseur = torch.optim.AdamW(modele.parameters(), lr=1e-3)
    x = torch.randint(0, modele.config.vocab_size, (batch, seq_len))
    for i in range(1 + repetitions):
        if i == 1:
            debut = time.perf_counter()
        _, perte = modele(x, x)
        optimiseur.zero_grad()
        perte.backward()
        optimiseur.step()
    return (time.perf_counter() - debut) / repetitions


longueurs = [32, 64, 128, 256]
temps_gpt, temps_lstm = [], []
for seq_len in longueurs:
    gpt = GPT(GPTConfig(seq_len=seq_len))
    lstm = LSTMLanguageModel(lstm_config_like(gpt.config))
    temps_gpt.append(temps_par_pas(gpt, seq_len))
    temps_lstm.append(temps_par_pas(lstm, seq_len))
print("\n**Sur le processeur de cette machine** (*batch* de 8 séquences)\n")
rapports = tableau(longueurs, temps_gpt, temps_lstm)
n_gpt, n_lstm = (french.number(m.num_parameters()) for m in (gpt, lstm))
print(f"\nParamètres (à la plus grande longueur) : transformer {n_gpt}, LSTM {n_lstm}.")
publish("verdict_temps", verdict(longueurs, rapports))
publish("rapport_temps_court", rapports[0], 2)
publish("rapport_temps_long", rapports[-1], 2)
publish("longueur_courte", longueurs[0])
publish("longueur_longue", longueurs[-1])
