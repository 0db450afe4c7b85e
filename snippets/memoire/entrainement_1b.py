# La règle « 24 Go pour entraîner un milliard de paramètres », partie par partie.
from genai_docs.memory import GB, TrainingConfig, estimate_training, model_shape

modele = model_shape("tinyllama-1.1b")
n = modele.params
print(f"TinyLlama : {n / 1e9:.2f} milliard de paramètres\n".replace(".", ","))

# 1. La règle classique, pour AdamW en fp32 : 4 + 4 + 8 = 16 octets par paramètre.
parts = {"poids": 4 * n, "gradients": 4 * n, "AdamW (2 moments)": 8 * n}
for nom, octets in parts.items():
    print(f"{nom:>18} : {octets / GB:5.1f} Go".replace(".", ","))
print(f"{'états du modèle':>18} : {sum(parts.values()) / GB:5.1f} Go".replace(".", ","))

# 2. Le pic réel d'un pas d'entraînement : il dépend du batch et de la longueur.
for batch, seq in [(1, 512), (2, 1024), (4, 2048)]:
    cfg = TrainingConfig(batch_size=batch, seq_len=seq, precision="fp32")
    pic = estimate_training(modele, cfg)
    print(f"batch {batch}, {seq:4d} tokens : pic {pic.total_bytes / GB:5.1f} Go".replace(".", ","))
