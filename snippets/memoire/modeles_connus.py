# Des modèles connus : paramètres exacts, inférence en bf16 (un prompt de la longueur
# indiquée, comme `model.generate` le lit), entraînement complet (une séquence de cette
# longueur). « — » : architecture hors de nos formules (encodeurs, encodeur-décodeur).
from genai_docs import french
from genai_docs.memory import (
    GB,
    InferenceConfig,
    TrainingConfig,
    estimate_inference,
    estimate_training,
    model_shape,
    registry_names,
)
from genai_docs.values import claim, publish

print("| modèle | paramètres | tokens | inférence bf16 (Go) | entraînement mixte AdamW (Go) |")
print("| --- | ---: | ---: | ---: | ---: |")
for nom in registry_names():
    forme = model_shape(nom)
    seq = 512 if nom in ("bert-base", "t5-small") else 1024 if nom.startswith("gpt2") else 2048
    if forme.family == "other":
        inference = entrainement = "—"
    else:
        octets = estimate_inference(forme, InferenceConfig(1, seq, dtype="bf16")).total_bytes
        inference = french.number(octets / GB, 2)
        octets = estimate_training(forme, TrainingConfig(1, seq, "mixed")).total_bytes
        entrainement = french.number(octets / GB, 1)
    if nom == "llama-2-7b":
        publish("inference_7b", f"{inference}\u00a0Go")
        publish("entrainement_7b", f"{entrainement}\u00a0Go")
        # une carte grand public de 24 Go ; un H100 de 80 Go, un H200 de 141 Go
        claim(
            "inference_7b_24go",
            estimate_inference(forme, InferenceConfig(1, seq, dtype="bf16")).total_bytes <= 24 * GB,
            f"inférence : {inference} Go ≤ 24 Go",
        )
        claim(
            "entrainement_7b_h100_h200",
            80 * GB
            < estimate_training(forme, TrainingConfig(1, seq, "mixed")).total_bytes
            <= 141 * GB,
            f"entraînement : 80 Go < {entrainement} Go ≤ 141 Go",
        )
    n = french.number(forme.params, 0)
    print(f"| {nom} | {n} | {seq} | {inference} | {entrainement} |")
