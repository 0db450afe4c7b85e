# Quand la règle tient, et quand elle casse : batch, longueur, recalcul des activations.
# Chaque colonne est une partie du même pic prédit (GPU, fp32, AdamW).
from genai_docs import french
from genai_docs.memory import TrainingConfig, activation_bytes, estimate_training, model_shape
from genai_docs.memory.report import MOMENT_LABELS
from genai_docs.values import publish

modele = model_shape("tinyllama-1.1b")
print("| batch | tokens | recalcul | activations au pic | pic | pic / poids fp32 | moment du pic |")
print("| ---: | ---: | :---: | ---: | ---: | ---: | --- |")
for batch, seq in [(1, 512), (1, 2048), (4, 2048), (8, 2048), (8, 4096)]:
    for recalcul in ("none", "full"):
        cfg = TrainingConfig(batch, seq, "fp32", recompute=recalcul)
        pic = estimate_training(modele, cfg)
        activations = activation_bytes(modele, cfg)  # la colonne « activations » de ce pic
        ratio = french.number(pic.total_bytes / (4 * modele.params), 1)
        moment = MOMENT_LABELS[pic.setting["peak_at"]]
        if (batch, seq) == (8, 4096):
            publish(f"rapport_8x4096_{recalcul}", pic.total_bytes / (4 * modele.params), 1)
        print(
            f"| {batch} | {seq} | {'oui' if recalcul == 'full' else 'non'} "
            f"| {french.size(activations, 'Go', 1)} | {french.size(pic.total_bytes, 'Go', 1)} "
            f"| {ratio} | {moment} |"
        )
