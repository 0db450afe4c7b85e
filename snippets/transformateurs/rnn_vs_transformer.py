# LSTM contre transformer, de tailles voisines, sur les mêmes données :
# 1) temps d'un pas d'entraînement quand la séquence s'allonge ; 2) une dépendance lointaine.
import time

import torch

from genai_docs import french
from genai_docs.transformer import (
    GPT,
    GPTConfig,
    LSTMLanguageModel,
    corpus_text,
    is_story,
    load_course_lstm,
    load_course_model,
    lstm_config_like,
    probe_accuracy,
    probe_stories,
)
from genai_docs.values import publish

device = "cuda" if torch.cuda.is_available() else "cpu"
longueurs = [128, 256, 512, 1024] if device == "cuda" else [32, 64, 128, 256]
batch, repetitions = (32, 10) if device == "cuda" else (8, 2)
nom = torch.cuda.get_device_name() if device == "cuda" else "CPU"


def temps_par_pas(modele, seq_len):
    """Durée moyenne d'un pas d'entraînement (passe avant, arrière, mise à jour), en ms."""
    optimiseur = torch.optim.AdamW(modele.parameters(), lr=1e-3)
    x = torch.randint(0, modele.config.vocab_size, (batch, seq_len), device=device)
    for i in range(1 + repetitions):  # le premier pas sert d'échauffement
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


print(f"**1. Temps d'un pas d'entraînement** ({nom}, batch de {batch} séquences)\n")
rapports_temps = []
print("| longueur de séquence | transformer (ms) | LSTM (ms) | LSTM / transformer |")
print("|---:|---:|---:|---:|")
for seq_len in longueurs:
    gpt = GPT(GPTConfig(seq_len=seq_len)).to(device)
    lstm = LSTMLanguageModel(lstm_config_like(gpt.config)).to(device)
    t_gpt, t_lstm = temps_par_pas(gpt, seq_len), temps_par_pas(lstm, seq_len)
    if seq_len == longueurs[0]:
        t_gpt_court, t_lstm_court = t_gpt, t_lstm
    rapports_temps.append(t_lstm / t_gpt)
    print(f"| {seq_len} | {french.number(t_gpt, 1)} | {french.number(t_lstm, 1)} "
          f"| {french.number(t_lstm / t_gpt, 2)} |")  # fmt: skip
n_gpt, n_lstm = (french.number(m.num_parameters()) for m in (gpt, lstm))
print(f"\nParamètres (à la plus grande longueur) : transformer {n_gpt}, LSTM {n_lstm}.")

# 2) « X a posé son ballon … Plus tard, il a repris son » : retrouver l'objet posé au début.
modeles = {"transformer": load_course_model(), "LSTM": load_course_lstm()}
tokeniseur = modeles["transformer"][1]
print("\n**2. Sonde de dépendance lointaine** (100 histoires inédites par ligne)\n")
print("| phrases intercalées | distance moyenne (tokens) | transformer | LSTM |")
print("|---:|---:|---:|---:|")
scores = {}
for n_phrases in [0, 2, 4, 6]:
    histoires = probe_stories(100, n_fillers=n_phrases)
    debut = [len(tokeniseur.encode(invite.split(".")[0]).ids) for invite, _ in histoires]
    fin = [len(tokeniseur.encode(invite).ids) for invite, _ in histoires]
    distance = sum(f - d for d, f in zip(debut, fin, strict=True)) / len(histoires)
    for modele_nom, (modele, tok) in modeles.items():
        scores[modele_nom, n_phrases] = probe_accuracy(modele, tok, 100, n_fillers=n_phrases)
    print(f"| {n_phrases} | {french.number(distance)} | {french.percent(scores['transformer', n_phrases], 0)}"
          f" | {french.percent(scores['LSTM', n_phrases], 0)} |")  # fmt: skip

for n_phrases in [0, 2, 4, 6]:
    for modele_nom in modeles:
        valeur = french.percent(scores[modele_nom, n_phrases], 0)
        publish(f"sonde_{modele_nom.lower()}_{n_phrases}", valeur)

# Le plus grand nombre de phrases intercalées dans les histoires du corpus d'entraînement.
histoires_vues = [p for p in corpus_text("train").splitlines() if is_story(p)]
publish("phrases_max_corpus", max(len(p.split(". ")) - 2 for p in histoires_vues))
publish("appareil_temps", nom if device == "cuda" else "le processeur (CPU)")
rapports = dict(zip(longueurs, rapports_temps, strict=True))
plus_lent = [n for n, r in rapports.items() if r > 1]
if not plus_lent:
    verdict = "le LSTM reste plus rapide à toutes les longueurs mesurées"
elif len(plus_lent) == len(longueurs):
    verdict = "le LSTM est plus lent à toutes les longueurs mesurées"
else:
    verdict = f"le LSTM devient plus lent que le transformer à partir de {plus_lent[0]} tokens"
publish("verdict_temps", verdict)
publish("rapport_temps_court", t_lstm_court / t_gpt_court, 2)
publish("rapport_temps_long", t_lstm / t_gpt, 2)
publish("longueur_courte", longueurs[0])
publish("longueur_longue", longueurs[-1])
