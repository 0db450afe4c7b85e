# Quand la règle tient, et quand elle casse : batch, longueur, recalcul des activations.
from genai_docs.memory import GB, TrainingConfig, activation_bytes, estimate_training, model_shape

modele = model_shape("tinyllama-1.1b")
print("| batch | tokens | recalcul | activations gardées (Go) | pic (Go) | pic / poids fp32 |")
print("| ---: | ---: | :---: | ---: | ---: | ---: |")
for batch, seq in [(1, 512), (1, 2048), (4, 2048), (8, 2048), (8, 4096)]:
    for recalcul in ("none", "full"):
        cfg = TrainingConfig(batch, seq, "fp32", recompute=recalcul)
        e = estimate_training(modele, cfg)
        acts = activation_bytes(modele, cfg)
        ratio = e.total_bytes / (4 * modele.params)
        ligne = f"| {batch} | {seq} | {'oui' if recalcul == 'full' else 'non'} | {acts / GB:.1f} | {e.total_bytes / GB:.1f} | {ratio:.1f} |"
        print(ligne.replace(".", ","))
