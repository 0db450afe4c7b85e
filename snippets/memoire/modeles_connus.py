# Des modèles connus : paramètres exacts, inférence en bf16, entraînement complet
# (une séquence de la longueur indiquée ; « — » : architecture hors de nos formules d'activations).
from genai_docs.memory import (
    GB,
    TrainingConfig,
    estimate_inference,
    estimate_training,
    format_number,
    model_shape,
    registry_names,
)

print("| modèle | paramètres | tokens | inférence bf16 (Go) | entraînement mixte AdamW (Go) |")
print("| --- | ---: | ---: | ---: | ---: |")
for nom in registry_names():
    forme = model_shape(nom)
    seq = 512 if nom in ("bert-base", "t5-small") else 1024 if nom.startswith("gpt2") else 2048
    inference = estimate_inference(forme, 1, seq, "bf16").total_bytes
    cfg = TrainingConfig(1, seq, "mixed")
    entrainement = estimate_training(forme, cfg).total_bytes if forme.family != "other" else None
    texte = format_number(entrainement / GB, 1) if entrainement else "—"
    n = format_number(forme.params, 0)
    print(f"| {nom} | {n} | {seq} | {format_number(inference / GB)} | {texte} |")
