# Précision mixte en pratique : tokens par seconde d'un pas d'entraînement d'un GPT de la
# taille de GPT-2 small, mesurés sur un GPU par measurements/precision_mixte.py
# (frozen/precision_mixte.json) ; les rapports sont calculés ici.
from genai_docs import french
from genai_docs.measurements import banner, load
from genai_docs.values import claim, publish

mesures = load("precision_mixte")
print(banner("precision_mixte", mesures) + "\n")
NOMS = {"fp32": "fp32 (sans tf32)", "bf16": "bf16 (autocast)", "fp16": "fp16 + GradScaler"}
if mesures:
    c, modes = mesures.data["config"], mesures.data["modes"]
    print(f"GPT de {c['n_layer']} blocs de largeur {c['d_model']}, *batch* de "
          f"{c['batch_size']} × {c['seq_len']} tokens, AdamW.\n")  # fmt: skip
    debit = {m: v["tokens_per_step"] / v["seconds_per_step"] for m, v in modes.items()}
    print("| mode | tokens par seconde | × fp32 |")
    print("| --- | ---: | ---: |")
    for mode, tokens in debit.items():
        print(
            f"| {NOMS[mode]} | {french.number(tokens)} | {french.number(tokens / debit['fp32'], 2)} |"
        )
    gain = debit["bf16"] / debit["fp32"]
    publish("gain_bf16_gpu", gain, 1)
    claim("bf16_plus_rapide_gpu", gain > 1.5, f"bf16 / fp32 = {french.number(gain, 2)} > 1,5")
