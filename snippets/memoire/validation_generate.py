# Prédiction contre mesure pour l'inférence : le pic de `model.generate` (lecture du prompt,
# puis un token à la fois avec un cache KV qui grandit), mesuré par le traceur de mémoire de
# PyTorch (MemTracker) sur de petits modèles, sur CPU.
import statistics

from genai_docs import french
from genai_docs.memory import (
    InferenceConfig,
    estimate_inference,
    measure_generate_peak,
    model_shape,
    tiny_configs,
)
from genai_docs.memory.report import MOMENT_LABELS
from genai_docs.values import publish

petits = {"GPT-2": tiny_configs()["gpt2"], "Llama": tiny_configs()["llama"]}
# (modèle, batch, tokens du prompt, tokens générés, précision, attention, échantillonnage)
cas = [
    ("GPT-2", 1, 64, 16, "fp32", "sdpa", False),
    ("GPT-2", 4, 256, 8, "bf16", "sdpa", False),
    ("GPT-2", 2, 256, 4, "fp32", "eager", False),
    ("GPT-2", 32, 2, 32, "fp32", "sdpa", False),
    ("Llama", 4, 128, 8, "fp32", "sdpa", False),
    ("Llama", 2, 256, 8, "bf16", "eager", False),
    ("Llama", 32, 2, 32, "bf16", "eager", False),
    ("Llama", 8, 32, 8, "bf16", "sdpa", True),
]
print("| configuration | moment du pic | prédit (Mo) | mesuré (Mo) | écart |")
print("| --- | --- | ---: | ---: | ---: |")
ecarts = []
for nom, batch, prompt, nouveaux, precision, attention, tirage in cas:
    # device="cpu" : la prédiction suit les noyaux du CPU, là où la mesure est faite.
    cfg = InferenceConfig(batch, prompt, nouveaux, precision, attention, "cpu", tirage)
    estimation = estimate_inference(model_shape(petits[nom], nom), cfg)
    mesure = measure_generate_peak(petits[nom], cfg)["peak"]
    ecarts.append(estimation.total_bytes / mesure - 1)
    mode = "échantillonnage" if tirage else "glouton"
    configuration = f"{nom}, {precision}, {attention}, {batch} × ({prompt} + {nouveaux}), {mode}"
    signe = "+" if ecarts[-1] >= 0 else ""
    print(
        f"| {configuration} | {MOMENT_LABELS[estimation.setting['peak_at']]} "
        f"| {french.size(estimation.total_bytes, 'Mo')} | {french.size(mesure, 'Mo')} "
        f"| {signe}{french.percent(ecarts[-1], 2)} |"
    )
pire = publish("erreur_generate_max", french.percent(max(abs(e) for e in ecarts), 2))
mediane = publish(
    "erreur_generate_mediane", french.percent(statistics.median(abs(e) for e in ecarts), 2)
)
print(f"\nÉcart maximal : {pire} ; écart médian : {mediane}.")
