# La règle « 24 Go pour entraîner un milliard de paramètres », partie par partie.
from genai_docs import french
from genai_docs.memory import GB, TrainingConfig, estimate_training, model_shape
from genai_docs.values import claim, publish

modele = model_shape("tinyllama-1.1b")
n = modele.params
print(f"TinyLlama : {french.number(n / 1e9, 2)} milliard de paramètres\n")

# 1. La règle classique, pour AdamW en fp32 : 4 + 4 + 8 = 16 octets par paramètre.
parts = {"poids": 4 * n, "gradients": 4 * n, "AdamW (2 moments)": 8 * n}
for nom, octets in parts.items():
    print(f"{nom:>18} : {french.number(octets / GB, 1):>5} Go")
print(f"{'états du modèle':>18} : {french.number(sum(parts.values()) / GB, 1):>5} Go")
publish("etats_tinyllama", french.size(sum(parts.values()), "Go", 1))

# 2. Le pic réel d'un pas d'entraînement : il dépend du batch et de la longueur.
pics = {}
for batch, seq in [(1, 512), (2, 1024), (4, 2048)]:
    cfg = TrainingConfig(batch_size=batch, seq_len=seq, precision="fp32")
    pic = estimate_training(modele, cfg)
    pics[batch, seq] = pic.total_bytes
    print(f"batch {batch}, {seq:4d} tokens : pic {french.number(pic.total_bytes / GB, 1):>5} Go")
    publish(f"pic_{batch}x{seq}", french.size(pic.total_bytes, "Go", 1))
    if (batch, seq) == (1, 512):
        publish("octets_par_parametre_pic", pic.total_bytes / n, 0)

# La règle des notes d'origine : 24 Go pour un milliard de paramètres.
regle = 24 * GB * n / 1e9
claim(
    "regle_24_petit_batch",
    abs(pics[1, 512] / regle - 1) < 0.25 and pics[4, 2048] > 2 * regle,
    f"règle : {french.size(regle, 'Go', 1)} ; pic à 1 × 512 : {french.size(pics[1, 512], 'Go', 1)}, "
    f"à 4 × 2048 : {french.size(pics[4, 2048], 'Go', 1)}",
)
