# Quand la règle tient, et quand elle casse : batch, longueur, recalcul des activations.
# Chaque colonne est une partie du même pic prédit (GPU, fp32, AdamW).
from genai_docs import french
from genai_docs.memory import TrainingConfig, activation_bytes, estimate_training, model_shape
from genai_docs.memory.activations import effective_attention
from genai_docs.memory.report import MOMENT_LABELS
from genai_docs.values import claim, publish

modele = model_shape("tinyllama-1.1b")
print("| batch | tokens | recalcul | activations au pic | pic | pic / poids fp32 | moment du pic |")
print("| ---: | ---: | :---: | ---: | ---: | ---: | --- |")
lignes = {}  # (batch, tokens, recalcul) -> (activations au pic, pic, moment du pic)
for batch, seq in [(1, 512), (1, 2048), (4, 2048), (8, 2048), (8, 4096)]:
    for recalcul in ("none", "full"):
        cfg = TrainingConfig(batch, seq, "fp32", recompute=recalcul)
        pic = estimate_training(modele, cfg)
        activations = activation_bytes(modele, cfg)  # la colonne « activations » de ce pic
        lignes[batch, seq, recalcul] = (activations, pic.total_bytes, pic.setting["peak_at"])
        ratio = french.number(pic.total_bytes / (4 * modele.params), 1)
        moment = MOMENT_LABELS[pic.setting["peak_at"]]
        if (batch, seq) == (8, 4096):
            publish(f"rapport_8x4096_{recalcul}", pic.total_bytes / (4 * modele.params), 1)
        print(
            f"| {batch} | {seq} | {'oui' if recalcul == 'full' else 'non'} "
            f"| {french.size(activations, 'Go', 1)} | {french.size(pic.total_bytes, 'Go', 1)} "
            f"| {ratio} | {moment} |"
        )

# Les verdicts du texte, sur toutes les lignes du tableau.
au_pas = [cle for cle, (_, _, moment) in lignes.items() if moment == "step"]
claim(
    "activations_nulles_au_pas",
    (1, 512, "none") in au_pas and all(lignes[cle][0] == 0 for cle in au_pas),
    f"{len(au_pas)} lignes ont leur pic au pas de l'optimiseur, dont 1 × 512 sans recalcul ; "
    "activations au pic nulles pour toutes",
)
claim(
    "recalcul_reduit",
    all(lignes[b, s, "full"][1] <= lignes[b, s, "none"][1] for b, s, _ in lignes),
    "pic avec recalcul ≤ pic sans recalcul, pour chaque batch et chaque longueur",
)
# À 8 × 4096 sans recalcul, l'attention garde ses scores (B · h · T² · L nombres fp32).
cfg = TrainingConfig(8, 4096, "fp32")
scores = 8 * modele.n_head * 4096**2 * modele.n_layer * 4
claim(
    "scores_dominent",
    effective_attention(modele, cfg) != "sdpa" and scores > lignes[8, 4096, "none"][0] / 2,
    f"scores de l'attention {french.size(scores, 'Go', 1)} sur "
    f"{french.size(lignes[8, 4096, 'none'][0], 'Go', 1)} d'activations",
)
