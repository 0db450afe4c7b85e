# Les cinq formats de nombres à virgule flottante, lus dans torch.finfo : rien n'est recopié.
import math

from genai_docs.french import NBSP, number, scientific
from genai_docs.quantization import format_table
from genai_docs.values import claim, publish

EXPOSANTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def puissance_de_deux(x: float) -> str:
    """Une puissance de deux exacte écrite 2⁻¹⁴, suivie de sa valeur approchée."""
    exposant = str(round(math.log2(x))).translate(EXPOSANTS)
    return f"2{exposant}{NBSP}≈{NBSP}{scientific(x)}"


print(
    "| format | bits (signe, exposant, mantisse) | plus grande valeur | plus petit normal | epsilon |"
)
print("| --- | :---: | ---: | ---: | ---: |")
for f in format_table():
    bits = f"{f.bits} ({f.sign_bits}, {f.exponent_bits}, {f.mantissa_bits})"
    plus_grand = number(f.max) if f.max < 1e6 else scientific(f.max, 4)
    print(
        f"| {f.name} | {bits} | {plus_grand} | {puissance_de_deux(f.smallest_normal)} "
        f"| {puissance_de_deux(f.eps)} |"
    )

formats = {f.name: f for f in format_table()}
publish("fp16_max", formats["fp16"].max)
publish("bf16_max", scientific(formats["bf16"].max, 3))
publish("fp16_plus_petit", scientific(formats["fp16"].smallest_subnormal, 3))
publish("fp16_epsilon", scientific(formats["fp16"].eps, 3))
publish("bf16_epsilon", scientific(formats["bf16"].eps, 3))
publish("e4m3_max", formats["fp8 e4m3"].max)
publish("e5m2_max", formats["fp8 e5m2"].max)

fp16, bf16, fp32 = formats["fp16"], formats["bf16"], formats["fp32"]
claim(
    "bf16_epsilon_huit",
    bf16.eps == 8 * fp16.eps,
    f"{scientific(bf16.eps)} = 8 × {scientific(fp16.eps)}",
)
claim(
    "bf16_plage_fp32",
    bf16.exponent_bits == fp32.exponent_bits and bf16.max > 0.99 * fp32.max,
    f"exposant : {bf16.exponent_bits} bits comme le fp32 ; maximum {scientific(bf16.max, 4)} "
    f"contre {scientific(fp32.max, 4)}",
)
e4m3, e5m2 = formats["fp8 e4m3"], formats["fp8 e5m2"]
claim(
    "fp8_compromis",
    e4m3.eps < e5m2.eps and e4m3.max < e5m2.max,
    f"epsilon {scientific(e4m3.eps)} contre {scientific(e5m2.eps)} ; "
    f"maximum {number(e4m3.max)} contre {number(e5m2.max)}",
)
claim(
    "fp16_max_formule",
    fp16.max == 2**15 * (2 - 2**-10),
    f"torch.finfo : {number(fp16.max)} ; 2¹⁵ × (2 − 2⁻¹⁰) = {number(2**15 * (2 - 2**-10))}",
)
