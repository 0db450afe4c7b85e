# Prédiction contre mesure sur GPU. Les pics ont été mesurés sur un GPU par
# measurements/memoire.py (torch.cuda.max_memory_allocated pendant un pas d'entraînement en
# précision mixte, poids aléatoires) et enregistrés dans frozen/memoire.json ; la
# prédiction, elle, est calculée ici, à chaque construction du site, par la bibliothèque.
import statistics

from genai_docs import french
from genai_docs.measurements import banner, load
from genai_docs.memory import TrainingConfig, estimate_training, model_shape
from genai_docs.memory.registry import named_config
from genai_docs.values import claim, publish

mesures = load("memoire")
print(banner("memoire", mesures) + "\n")
cas = mesures.data["training"] if mesures else []
print("| modèle | batch × tokens | recalcul | prédit (Go) | mesuré (Go) | écart |")
print("| --- | ---: | :---: | ---: | ---: | ---: |")
ecarts = []
for c in cas:
    cfg = TrainingConfig(c["batch_size"], c["seq_len"], c["precision"], recompute=c["recompute"])
    forme = model_shape(named_config(c["model"]), c["model"])
    forme = forme if c["dropout"] else forme.without_dropout()  # mesuré sans dropout
    prevu = estimate_training(forme, cfg).total_bytes
    ecarts.append(prevu / c["peak_bytes"] - 1)
    recalcul = "oui" if c["recompute"] == "full" else "non"
    modele = c["model"] + (" (dropout 0,1)" if c["dropout"] else "")
    print(
        f"| {modele} | {c['batch_size']} × {c['seq_len']} | {recalcul} "
        f"| {french.size(prevu, with_unit=False)} | {french.size(c['peak_bytes'], with_unit=False)} "
        f"| {'+' if ecarts[-1] >= 0 else ''}{french.percent(ecarts[-1])} |"
    )
if ecarts:
    pire, mediane = max(abs(e) for e in ecarts), statistics.median(abs(e) for e in ecarts)
    print(f"\nÉcart maximal : {french.percent(pire)} ; écart médian : {french.percent(mediane)}.")
    publish("erreur_gpu_max", french.percent(pire))
    dessous = sum(e < 0 for e in ecarts)
    claim(
        "gpu_prediction_dessous",
        dessous == len(ecarts) and pire < 0.05,
        f"{dessous} prédictions sur {len(ecarts)} sous la mesure, écart maximal {french.percent(pire)} < 5 %",
    )
