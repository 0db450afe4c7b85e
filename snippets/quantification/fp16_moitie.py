# « Le fp16 divise la mémoire par deux » : vrai pour les poids d'un modèle qu'on utilise,
# pas pour l'entraînement en précision mixte. La calculatrice du cours (genai_docs.memory) sur
# Llama 2 7B (6,7 milliards de paramètres), puis des pics mesurés sur un petit GPT-2, sur CPU.
from genai_docs.french import percent, size
from genai_docs.memory import (
    InferenceConfig,
    TrainingConfig,
    estimate_inference,
    estimate_training,
    measure_training_peak,
    model_shape,
    tiny_configs,
    weight_bytes,
)
from genai_docs.values import claim, publish

llama = model_shape("llama-2-7b")
lignes = [
    (
        "inférence : les poids seuls, en fp16",
        weight_bytes(llama, "fp32"),
        weight_bytes(llama, "fp16"),
    ),
    (
        "inférence en fp16 : poids, cache KV et activations (un *prompt* de 512 *tokens*)",
        estimate_inference(llama, InferenceConfig(1, 512, dtype="fp32")).total_bytes,
        estimate_inference(llama, InferenceConfig(1, 512, dtype="fp16")).total_bytes,
    ),
]
for batch, seq in ((1, 512), (8, 2048)):
    fp32 = estimate_training(llama, TrainingConfig(batch, seq, "fp32")).total_bytes
    mixte = estimate_training(llama, TrainingConfig(batch, seq, "mixed")).total_bytes
    lignes.append((f"entraînement en précision mixte, *batch* {batch} × {seq}", fp32, mixte))
pur = estimate_training(llama, TrainingConfig(1, 512, "bf16")).total_bytes
lignes.append(
    ("entraînement **tout** en bf16 (sans copie fp32), *batch* 1 × 512", lignes[2][1], pur)
)

print("| Llama 2 7B, calculé | tout en fp32 | avec 16 bits (selon la ligne) | économie |")
print("| --- | ---: | ---: | ---: |")
for nom, a, b in lignes:
    print(f"| {nom} | {size(a, 'Go', 1)} | {size(b, 'Go', 1)} | {percent(1 - b / a, 0)} |")

# Les mêmes pics, mesurés par le traceur de mémoire de PyTorch sur un GPT-2 de 0,4 M de
# paramètres (la précision mixte mesurée est l'autocast bf16 : fp16 et bf16 font 2 octets).
gpt2 = tiny_configs()["gpt2"]
print()
print(
    "| petit GPT-2, pic mesuré sur CPU | tout en fp32 | précision mixte | économie "
    "| prédite par la calculatrice |"
)
print("| --- | ---: | ---: | ---: | ---: |")
mesures, prevues = {}, {}
for batch, seq in ((1, 64), (16, 512)):
    pics = {
        p: measure_training_peak(gpt2, TrainingConfig(batch, seq, p, device="cpu"))["peak"]
        for p in ("fp32", "mixed")
    }
    prevu = {
        p: estimate_training(model_shape(gpt2, "gpt2"), TrainingConfig(batch, seq, p, device="cpu"))
        for p in ("fp32", "mixed")
    }
    mesures[batch] = 1 - pics["mixed"] / pics["fp32"]
    economie_prevue = prevues[batch] = 1 - prevu["mixed"].total_bytes / prevu["fp32"].total_bytes
    print(
        f"| *batch* {batch} × {seq} | {size(pics['fp32'], 'Mo', 1)} | {size(pics['mixed'], 'Mo', 1)} "
        f"| {percent(mesures[batch])} | {percent(economie_prevue)} |"
    )

publish("moitie_poids", percent(1 - lignes[0][2] / lignes[0][1], 0))
publish("moitie_mixte_petit", percent(1 - lignes[2][2] / lignes[2][1], 0))
publish("moitie_mixte_grand", percent(1 - lignes[3][2] / lignes[3][1], 0))
publish("moitie_mixte_petit_go", size(lignes[2][1], "Go", 0))
publish("moitie_pur_bf16", percent(1 - pur / lignes[2][1], 0))
publish("moitie_mesure_petit", percent(mesures[1], 1))
publish("moitie_mesure_grand", percent(mesures[16], 0))

economies = [1 - b / a for _, a, b in lignes]  # poids, inférence, petit batch, grand batch, bf16
claim(
    "moitie_poids_oui", abs(economies[0] - 0.5) < 1e-9, f"poids seuls : {percent(economies[0], 1)}"
)
claim("moitie_petit_batch_rien", economies[2] < 0.01, f"petit batch : {percent(economies[2], 1)}")
claim(
    "moitie_grand_batch_partiel",
    economies[2] < economies[3] < 0.5 and mesures[1] < mesures[16] < 0.5,
    f"calculé {percent(economies[2], 1)} puis {percent(economies[3], 1)} ; "
    f"mesuré {percent(mesures[1], 1)} puis {percent(mesures[16], 1)} ; tous < 50 %",
)
ecart = max(abs(mesures[b] - prevues[b]) for b in mesures)
claim("moitie_mesure_accord", ecart < 0.02, f"écart mesuré − prédit, au plus : {percent(ecart, 2)}")
claim("moitie_pur", abs(economies[4] - 0.5) < 0.01, f"tout en bf16 : {percent(economies[4], 1)}")
