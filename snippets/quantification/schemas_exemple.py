# Quatre poids, quantifiés à la main avec les trois schémas du cours. Les échelles sont
# stockées en fp16, arrondies vers le haut pour qu'aucun code ne sorte de sa plage.
import torch

from genai_docs.french import number
from genai_docs.quantization import quantize_absmax, quantize_int4, quantize_zeropoint
from genai_docs.values import claim, publish

w = torch.tensor([0.5, -1.3, 0.04, 2.54])
absmax = quantize_absmax(w)
zero = quantize_zeropoint(w)
int4 = quantize_int4(w, group_size=4)


def liste(t: torch.Tensor, decimales: int = 0) -> str:
    return "[" + " ; ".join(number(float(v), decimales) for v in t) + "]"


print("| | absmax int8 | point zéro int8 | int4 (un groupe) |")
print("| --- | --- | --- | --- |")
print(
    f"| échelle s (fp16) | {number(float(absmax.scale), 7)} | {number(float(zero.scale), 7)} "
    f"| {number(float(int4.scale), 7)} |"
)
print(f"| point zéro z | — | {number(int(zero.zero_point))} | — |")
codes_int4 = [int((b >> k) & 0xF) - 8 for b in int4.data.tolist() for k in (0, 4)]
print(
    f"| codes q | {liste(absmax.data)} | {liste(zero.data)} | {liste(torch.tensor(codes_int4))} |"
)
octets = " ".join(f"`{b:08b}`" for b in int4.data.tolist())
print(f"| octets stockés | 4 | 4 | 2 : {octets} |")
print(
    f"| valeurs rendues ŵ | {liste(absmax.dequantize(), 4)} | {liste(zero.dequantize(), 4)} "
    f"| {liste(int4.dequantize(), 3)} |"
)
print(f"| poids d'origine w | {liste(w, 4)} | {liste(w, 4)} | {liste(w, 4)} |")

erreurs = (w - int4.dequantize()).abs() / w.abs()  # erreur relative de chaque poids en int4
claim(
    "petit_poids_perdu",
    codes_int4[2] == 0 and int(erreurs.argmax()) == 2,
    f"code int4 du poids {number(0.04, 2)} : {codes_int4[2]} ; erreurs relatives {liste(erreurs, 2)}",
)
claim(
    "echelle_arrondie_haut",
    float(absmax.scale) > 2.54 / 127,
    f"{number(float(absmax.scale), 7)} > 2,54 / 127 = {number(2.54 / 127, 7)}",
)
publish("ex_echelle", float(absmax.scale), 7)
publish("ex_w_rendu", float(absmax.dequantize()[0]), 5)
