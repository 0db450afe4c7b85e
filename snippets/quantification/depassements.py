# Dépassement, sous-dépassement et arrondi : chaque calcul est fait dans le format de la colonne.
import math

import torch

from genai_docs.french import number, scientific
from genai_docs.quantization import compute_in, in_format, spacing
from genai_docs.values import claim, publish


def montrer(x: float) -> str:
    if math.isinf(x):
        return "**∞** (dépassement)"
    if x == 0:
        return "**0** (sous-dépassement)"
    return number(x) if abs(x) >= 1 else scientific(x, 4)


def pas(x: float) -> str:
    return number(x) if x >= 1 else scientific(x)


calculs = [
    ("300 × 300", 300.0 * 300.0, lambda f: compute_in(torch.mul, 300.0, 300.0, fmt=f)),
    ("exp(12)", math.exp(12), lambda f: compute_in(torch.exp, 12.0, fmt=f)),
    ("10⁻⁸", 1e-8, lambda f: in_format(1e-8, f)),
    ("2 049", 2049.0, lambda f: in_format(2049.0, f)),
    ("257", 257.0, lambda f: in_format(257.0, f)),
]
print("| calcul | valeur exacte | fp32 | fp16 | bf16 |")
print("| --- | ---: | ---: | ---: | ---: |")
resultats = {}
for nom, exact, calcul in calculs:
    resultats[nom] = {f: calcul(f) for f in ("fp32", "fp16", "bf16")}
    cases = " | ".join(montrer(v) for v in resultats[nom].values())
    print(f"| {nom} | {montrer(exact)} | {cases} |")

print()
print("Écart entre deux nombres voisins (le « pas ») :")
print()
print("| autour de | fp16 | bf16 |")
print("| ---: | ---: | ---: |")
for x in (1.0, 256.0, 2048.0, 60000.0):
    print(f"| {number(x)} | {pas(spacing(x, 'fp16'))} | {pas(spacing(x, 'bf16'))} |")

publish("bf16_300_fois_300", resultats["300 × 300"]["bf16"])
publish("bf16_exp_12", resultats["exp(12)"]["bf16"])
publish("exp_12", math.exp(12))
publish("bf16_1e_8", scientific(resultats["10⁻⁸"]["bf16"], 4))
publish("fp16_2049", resultats["2 049"]["fp16"])
publish("bf16_257", resultats["257"]["bf16"])
publish("pas_fp16_2048", spacing(2048.0, "fp16"))
publish("pas_bf16_256", spacing(256.0, "bf16"))
publish("pas_fp16_60000", spacing(60000.0, "fp16"))

r = resultats
claim(
    "fp16_deborde",
    all(math.isinf(r[n]["fp16"]) and math.isfinite(r[n]["bf16"]) for n in ("300 × 300", "exp(12)")),
    f"fp16 : {number(r['300 × 300']['fp16'])}, {number(r['exp(12)']['fp16'])} ; "
    f"bf16 : {number(r['300 × 300']['bf16'])}, {number(r['exp(12)']['bf16'])}",
)
claim(
    "fp16_efface",
    r["10⁻⁸"]["fp16"] == 0 and r["10⁻⁸"]["bf16"] != 0,
    f"fp16 : {number(r['10⁻⁸']['fp16'])} ; bf16 : {scientific(r['10⁻⁸']['bf16'], 4)}",
)
claim(
    "arrondis",
    r["2 049"]["fp16"] == 2048 and r["257"]["bf16"] == 256 and r["257"]["fp16"] == 257,
    f"2 049 → {number(r['2 049']['fp16'])} en fp16 ; 257 → {number(r['257']['bf16'])} en bf16, "
    f"{number(r['257']['fp16'])} en fp16",
)
