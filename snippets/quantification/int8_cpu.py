# Sur ce CPU : une couche nn.Linear en fp32 contre sa version int8 par
# torch.ao.quantization.quantize_dynamic (noyaux fbgemm/x86), sur la même entrée. Les deux
# sont chronométrées en alternance et l'on garde le meilleur temps de chacune.
import torch

from genai_docs.french import number, percent
from genai_docs.quantization import time_dynamic_int8
from genai_docs.values import claim, publish
from genai_docs.verdicts import compare, series

FORMES = [(1, 4096, 4096), (16, 4096, 4096), (256, 1024, 1024)]  # (tokens, entrées, sorties)
print(
    f"CPU, {torch.get_num_threads()} fil(s) de calcul, moteur {torch.backends.quantized.engine}.\n"
)
print(
    "| tokens × entrées × sorties | fp32 (ms) | int8 dynamique (ms) | temps fp32 ÷ temps int8 | erreur relative |"
)
print("| --- | ---: | ---: | ---: | ---: |")
mesures = [time_dynamic_int8(*forme) for forme in FORMES]
for m in mesures:
    print(
        f"| {m.rows} × {m.in_features} × {m.out_features} | {number(m.fp32_seconds * 1e3, 3)} "
        f"| {number(m.int8_seconds * 1e3, 3)} | {number(m.speedup, 1)} × | {percent(m.relative_error, 1)} |"
    )

gains = [m.speedup for m in mesures]
claim(
    "int8_cpu_plus_rapide",
    compare(gains, margin=0.25) == "above",
    f"gains : {series(gains, 1)} (> 1,25)",
)
publish("cpu_int8_gain_min", min(gains), 1)
publish("cpu_int8_gain_max", max(gains), 1)
publish("cpu_int8_erreur", percent(max(m.relative_error for m in mesures), 1))
