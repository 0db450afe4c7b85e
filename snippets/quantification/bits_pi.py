# Les bits de π dans chaque format : signe (rouge), exposant (bleu), mantisse (vert).
import math

from genai_docs.french import number, scientific
from genai_docs.quantization import FORMATS, bit_layout, plot_bit_layouts
from genai_docs.values import claim, publish

plot_bit_layouts(
    math.pi,
    labels={"sign": "signe", "exponent": "exposant", "mantissa": "mantisse"},
    value_text=lambda v: f"= {number(v, 7)}",
)

print("| format | bits | valeur stockée | erreur relative |")
print("| --- | --- | ---: | ---: |")
for nom in FORMATS:
    b = bit_layout(math.pi, nom)
    erreur = abs(b.stored - math.pi) / math.pi
    print(
        f"| {nom} | `{b.sign} {b.exponent} {b.mantissa}` | {number(b.stored, 7)} | {scientific(erreur)} |"
    )

publish("pi_fp16", number(bit_layout(math.pi, "fp16").stored, 6))
publish("pi_e4m3", number(bit_layout(math.pi, "fp8 e4m3").stored, 2))

fp16_pi, bf16_pi = bit_layout(math.pi, "fp16"), bit_layout(math.pi, "bf16")
claim(
    "pi_meme_valeur",
    fp16_pi.stored == bf16_pi.stored and fp16_pi.mantissa.endswith("000"),
    f"fp16 {fp16_pi.mantissa}, bf16 {bf16_pi.mantissa} : {number(fp16_pi.stored, 7)} dans les deux",
)
