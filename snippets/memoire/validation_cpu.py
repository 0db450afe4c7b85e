# Prédiction contre mesure : le pic d'un pas d'entraînement (le deuxième, en régime établi),
# mesuré par le traceur de mémoire de PyTorch (MemTracker) sur de petits modèles, sur CPU.
import statistics

from transformers import GPT2Config

from genai_docs import french
from genai_docs.memory import (
    TrainingConfig,
    estimate_training,
    measure_training_peak,
    model_shape,
    tiny_configs,
)
from genai_docs.values import claim, publish

petits = {
    "GPT-2": tiny_configs()["gpt2"],
    "Llama": tiny_configs()["llama"],
    # largeur 256, 4 blocs, vocabulaire de 8 000 tokens : la perte pèse lourd au pic
    "GPT-2 large vocabulaire": GPT2Config(
        n_embd=256, n_layer=4, n_head=4, vocab_size=8000, n_positions=512
    ),
}
# device="cpu" : la prédiction suit les noyaux du CPU, là où la mesure est faite.
cas = [
    ("GPT-2", TrainingConfig(1, 64, "fp32", "adamw", device="cpu")),
    ("GPT-2", TrainingConfig(4, 128, "fp32", "sgd", attention="eager", device="cpu")),
    ("GPT-2", TrainingConfig(4, 256, "bf16", "sgd", recompute="full", device="cpu")),
    ("Llama", TrainingConfig(4, 128, "fp32", "adamw", device="cpu")),
    ("Llama", TrainingConfig(2, 128, "bf16", "adamw", attention="eager", device="cpu")),
    ("Llama", TrainingConfig(2, 128, "fp32", "sgd", recompute="full", device="cpu")),
    ("GPT-2 large vocabulaire", TrainingConfig(4, 256, "bf16", "adamw", device="cpu")),
]
print(
    "| modèle | précision | optimiseur | batch × tokens | recalcul | attention | prédit (Mo) | mesuré (Mo) | écart |"
)
print("| --- | --- | --- | ---: | :---: | --- | ---: | ---: | ---: |")
ecarts = []
for nom, cfg in cas:
    # mesuré sans dropout (measure_training_peak l'éteint), donc prédit sans dropout
    prevu = estimate_training(model_shape(petits[nom], nom).without_dropout(), cfg).total_bytes
    mesure = measure_training_peak(petits[nom], cfg)["peak"]
    ecarts.append(prevu / mesure - 1)
    recalcul = "oui" if cfg.recompute == "full" else "non"
    ligne = (
        f"| {nom} | {cfg.precision} | {cfg.optimizer} | {cfg.batch_size} × {cfg.seq_len} | {recalcul} "
        f"| {cfg.attention} | {french.number(prevu / 1e6, 2)} | {french.number(mesure / 1e6, 2)} "
        f"| {'+' if ecarts[-1] >= 0 else ''}{french.percent(ecarts[-1])} |"
    )
    print(ligne)
pire = max(ecarts, key=abs)
mediane = statistics.median(abs(e) for e in ecarts)
print(f"\nÉcart maximal : {french.percent(abs(pire))} ; écart médian : {french.percent(mediane)}.")
publish("erreur_cpu_max", french.percent(abs(pire)))
publish("erreur_cpu_mediane", french.percent(mediane))
claim("validation_cpu_proche", abs(pire) < 0.05, f"écart maximal {french.percent(abs(pire))} < 5 %")
