# Un pas de génération de Llama 2 7B, un token à la fois : il faut lire chaque poids une fois
# et faire 2 opérations par poids. Durée minimale (modèle « roofline ») : la plus longue de
# octets ÷ bande passante et opérations ÷ pic de calcul, chiffres publiés par NVIDIA.
from genai_docs.french import number, size
from genai_docs.memory import model_shape, weight_bytes
from genai_docs.quantization import PUBLISHED_PEAKS, crossover_batch, decode_step
from genai_docs.values import claim, publish

llama = model_shape("llama-2-7b")
GPUS = ("A100", "H100 SXM", "H200")
CALCUL = {"fp32": "fp32", "bf16": "bf16", "int8": "bf16", "int4": "bf16"}  # poids -> calcul

print("| poids en | octets lus | " + " | ".join(f"{g} (ms)" for g in GPUS) + " | × fp32 |")
print("| --- | ---: |" + " ---: |" * (len(GPUS) + 1))
pas = {}
for fmt, calcul in CALCUL.items():
    octets = weight_bytes(llama, fmt)  # échelles comprises
    pas[fmt] = {g: decode_step(llama.params, octets, PUBLISHED_PEAKS[g], calcul) for g in GPUS}
    temps = " | ".join(number(e.seconds * 1e3, 2) for e in pas[fmt].values())
    gain = pas["fp32"]["H100 SXM"].seconds / pas[fmt]["H100 SXM"].seconds
    print(f"| {fmt} | {size(octets, 'Go', 1)} | {temps} | {number(gain, 2)} |")

h100 = {fmt: pas[fmt]["H100 SXM"] for fmt in CALCUL}
gains = {fmt: h100["fp32"].seconds / e.seconds for fmt, e in h100.items()}
marge = min(e.memory_seconds / e.compute_seconds for p in pas.values() for e in p.values())
croisement = crossover_batch(PUBLISHED_PEAKS["H100 SXM"], "bf16", 2)
claim("decode_memoire", marge > 10, f"lecture / calcul, au plus juste : {number(marge, 0)} fois")
claim(
    "decode_gains",
    gains["bf16"] == 2 and 3.5 < gains["int8"] <= 4 and 6 < gains["int4"] <= 8,
    f"gains sur le fp32 : bf16 {number(gains['bf16'], 2)}, int8 {number(gains['int8'], 2)}, "
    f"int4 {number(gains['int4'], 2)}",
)
publish("decode_fp32_ms", h100["fp32"].seconds * 1e3, 1)
publish("decode_bf16_ms", h100["bf16"].seconds * 1e3, 1)
publish("decode_calcul_us", h100["bf16"].compute_seconds * 1e6, 0)
publish("decode_marge", marge, 0)
publish("decode_gain_int8", gains["int8"], 2)
publish("decode_gain_int4", gains["int4"], 2)
publish("decode_croisement", croisement, 0)
