# Les pics denses publiés par NVIDIA (sans la parcimonie 2:4 qui double les chiffres mis en
# avant), en milliers de milliards d'opérations par seconde : TFLOP/s pour les flottants, TOPS
# pour l'int8 ; entre parenthèses, le rapport au fp32.
from genai_docs.french import number
from genai_docs.quantization import PUBLISHED_PEAKS
from genai_docs.values import claim, publish

GPUS = ("A100", "H100 SXM", "H200")
FORMATS = {"fp32": "TFLOP/s", "tf32": "TFLOP/s", "bf16": "TFLOP/s", "fp8": "TFLOP/s"}
FORMATS["int8"] = "TOPS"

print("| GPU | " + " | ".join(f"{f} ({u})" for f, u in FORMATS.items()) + " | mémoire (To/s) |")
print("| --- |" + " ---: |" * (len(FORMATS) + 1))
for nom in GPUS:
    pic = PUBLISHED_PEAKS[nom]
    cases = [number(pic.tops["fp32"], 1)]
    for f in list(FORMATS)[1:]:
        rapport = f" ({number(pic.tops[f] / pic.tops['fp32'], 1)} ×)" if f in pic.tops else ""
        cases.append(f"{number(pic.tops[f], 1)}{rapport}" if f in pic.tops else "—")
    print(f"| {pic.name} | " + " | ".join(cases) + f" | {number(pic.bandwidth / 1e12, 2)} |")

# Chaque fois que la largeur des nombres est divisée par deux, le pic double : tf32 → bf16 →
# fp8 (ou int8 sur l'A100, qui n'a pas de fp8).
rapports = []
for nom in GPUS:
    t = PUBLISHED_PEAKS[nom].tops
    rapports += [t["bf16"] / t["tf32"], t.get("fp8", t["int8"]) / t["bf16"]]
h100, h200 = PUBLISHED_PEAKS["H100 SXM"], PUBLISHED_PEAKS["H200"]
claim(
    "pics_doublent",
    all(abs(r - 2) < 0.01 for r in rapports),
    "rapports bf16/tf32 et fp8 (ou int8)/bf16 : " + " ; ".join(number(r, 3) for r in rapports),
)
claim(
    "h200_meme_calcul",
    h200.tops == h100.tops and h200.bandwidth > 1.4 * h100.bandwidth,
    f"mêmes pics ; bande passante {number(h200.bandwidth / h100.bandwidth, 2)} fois celle du H100",
)
bf16_sur_fp32 = h100.tops["bf16"] / h100.tops["fp32"]
claim(
    "bf16_bien_plus_rapide", bf16_sur_fp32 > 10, f"H100 : bf16 / fp32 = {number(bf16_sur_fp32, 1)}"
)
publish("pic_h100_bf16_fp32", bf16_sur_fp32, 1)
publish("pic_h100_bf16", h100.tops["bf16"], 1)
publish("pic_h100_fp32", h100.tops["fp32"])
publish("bande_h200_h100", h200.bandwidth / h100.bandwidth, 2)
