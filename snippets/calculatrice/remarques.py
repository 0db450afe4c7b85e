# Le réglage par défaut du formulaire (TinyLlama, entraînement en précision mixte, une
# séquence de 512 tokens, AdamW, sans recalcul), sur 1 GPU puis sur 8 GPU selon l'étape ZeRO.
from genai_docs import french
from genai_docs.memory import TrainingConfig, estimate_training, model_shape
from genai_docs.memory.report import MOMENT_LABELS
from genai_docs.values import claim

modele = model_shape("tinyllama-1.1b")
reglages = {
    "1 GPU": TrainingConfig(1, 512, "mixed"),
    "8 GPU, ZeRO 0 (DDP)": TrainingConfig(1, 512, "mixed", zero_stage=0, n_gpus=8),
    "8 GPU, ZeRO 3": TrainingConfig(1, 512, "mixed", zero_stage=3, n_gpus=8),
}
print("| réglage | moment du pic | activations au pic | total par GPU |")
print("| --- | --- | ---: | ---: |")
e = {nom: estimate_training(modele, cfg) for nom, cfg in reglages.items()}
for nom, estimation in e.items():
    cases = [
        MOMENT_LABELS[estimation.setting["peak_at"]],
        french.size(estimation.breakdown["activations"]),
        french.size(estimation.total_bytes),
    ]
    print(f"| {nom} | " + " | ".join(cases) + " |")

un, ddp = e["1 GPU"], e["8 GPU, ZeRO 0 (DDP)"]
claim(
    "defaut_sans_activations",
    un.setting["peak_at"] == "step" and un.breakdown["activations"] == 0,
    "réglage par défaut : pic au pas de l'optimiseur, 0 octet d'activations",
)
claim(
    "zero0_tout_garder",
    ddp.total_bytes == un.total_bytes,
    f"ZeRO 0 : {french.size(ddp.total_bytes)} par GPU sur 8 GPU, "
    f"{french.size(un.total_bytes)} sur 1",
)
