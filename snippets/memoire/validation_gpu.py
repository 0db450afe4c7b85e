# Prédiction contre mesure sur GPU : torch.cuda.max_memory_allocated pendant un pas
# d'entraînement en précision mixte (autocast bf16, poids maîtres fp32, AdamW), modèles
# construits depuis leur configuration avec des poids aléatoires. Sans GPU, le même
# calcul sur un petit modèle, mesuré sur CPU par MemTracker.
import statistics

import torch

from genai_docs.memory import (
    TrainingConfig,
    estimate_training,
    format_number,
    format_percent,
    measure_training_peak,
    model_shape,
    registry_config,
    tiny_configs,
)

if torch.cuda.is_available():
    appareil = "cuda"
    print(f"Mesuré sur GPU : {torch.cuda.get_device_name()}.\n")
    cas = [
        ("gpt2", TrainingConfig(8, 512, "mixed")),
        ("gpt2", TrainingConfig(4, 1024, "mixed")),
        ("gpt2-medium", TrainingConfig(2, 1024, "mixed")),
        ("gpt2-medium", TrainingConfig(8, 512, "mixed", recompute="full")),
        ("tinyllama-1.1b", TrainingConfig(1, 2048, "mixed")),
        ("tinyllama-1.1b", TrainingConfig(4, 1024, "mixed")),
        ("tinyllama-1.1b", TrainingConfig(8, 2048, "mixed", recompute="full")),
    ]
    configs = {nom: registry_config(nom) for nom, _ in cas}
else:
    appareil = "cpu"
    print("Pas de GPU ici : petit GPT-2 mesuré sur CPU par MemTracker.\n")
    petit = tiny_configs()["gpt2"]
    cas = [
        ("petit GPT-2", TrainingConfig(2, 256, "mixed", device="cpu")),
        ("petit GPT-2", TrainingConfig(1, 64, "mixed", device="cpu")),
    ]
    configs = {"petit GPT-2": petit}

unite, echelle = ("Go", 1e9) if appareil == "cuda" else ("Mo", 1e6)
print(f"| modèle | batch × tokens | recalcul | prédit ({unite}) | mesuré ({unite}) | écart |")
print("| --- | ---: | :---: | ---: | ---: | ---: |")
ecarts = []
for nom, cfg in cas:
    prevu = estimate_training(model_shape(configs[nom], nom), cfg).total_bytes
    mesure = measure_training_peak(configs[nom], cfg, device=appareil)["peak"]
    ecarts.append(prevu / mesure - 1)
    signe = "+" if ecarts[-1] >= 0 else "−"
    recalcul = "oui" if cfg.recompute == "full" else "non"
    print(
        f"| {nom} | {cfg.batch_size} × {cfg.seq_len} | {recalcul} | {format_number(prevu / echelle)} "
        f"| {format_number(mesure / echelle)} | {signe}{format_percent(abs(ecarts[-1]))} |"
    )
    if appareil == "cuda":
        torch.cuda.empty_cache()
pire = max(abs(e) for e in ecarts)
print(
    f"\nÉcart maximal : {format_percent(pire)} ; écart médian : {format_percent(statistics.median(abs(e) for e in ecarts))}."
)
