# Les cinq formats de nombres à virgule flottante, lus dans torch.finfo : rien n'est recopié.
import math

from genai_docs.french import NBSP, number, scientific
from genai_docs.quantization import format_table
from genai_docs.values import publish

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
