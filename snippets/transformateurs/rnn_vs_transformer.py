# LSTM contre transformateur, de tailles voisines, sur les mêmes données :
# 1) temps d'un pas d'entraînement quand la séquence s'allonge ; 2) une dépendance lointaine.
import time

import torch

from genai_docs.transformer import (
    GPT,
    GPTConfig,
    LSTMLanguageModel,
    load_course_lstm,
    load_course_model,
    lstm_config_like,
    probe_stories,
)

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
print("| longueur de séquence | transformateur (ms) | LSTM (ms) | LSTM / transformateur |")
print("|---:|---:|---:|---:|")
for seq_len in longueurs:
    gpt = GPT(GPTConfig(seq_len=seq_len)).to(device)
    lstm = LSTMLanguageModel(lstm_config_like(gpt.config)).to(device)
    t_gpt, t_lstm = temps_par_pas(gpt, seq_len), temps_par_pas(lstm, seq_len)
    print(f"| {seq_len} | {t_gpt:.1f} | {t_lstm:.1f} | {t_lstm / t_gpt:.2f} |")
n_gpt, n_lstm = (f"{m.num_parameters():,}".replace(",", " ") for m in (gpt, lstm))
print(f"\nParamètres (à la plus grande longueur) : transformateur {n_gpt}, LSTM {n_lstm}.")

# 2) « X a posé son ballon … Plus tard, il a repris son » : retrouver l'objet posé au début.
modeles = {"transformateur": load_course_model(), "LSTM": load_course_lstm()}
print("\n**2. Sonde de dépendance lointaine** (100 histoires inédites par ligne)\n")
print("| phrases intercalées | distance moyenne (tokens) | transformateur | LSTM |")
print("|---:|---:|---:|---:|")
for n_phrases in [0, 2, 4, 6]:
    histoires = probe_stories(100, n_fillers=n_phrases)
    justes = dict.fromkeys(modeles, 0)
    distances = []
    for invite, reponse in histoires:
        tokeniseur = modeles["transformateur"][1]
        ids = tokeniseur.encode(invite).ids
        attendu = tokeniseur.encode(" " + reponse).ids[0]
        distances.append(len(ids) - len(tokeniseur.encode(invite.split(".")[0]).ids))
        for nom_modele, (modele, _) in modeles.items():
            with torch.no_grad():
                logits, _ = modele(torch.tensor([ids]))
            justes[nom_modele] += int(logits[0, -1].argmax().item() == attendu)
    moyenne = sum(distances) / len(distances)
    print(f"| {n_phrases} | {moyenne:.0f} | {justes['transformateur']} % | {justes['LSTM']} % |")
