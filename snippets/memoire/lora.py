# Affiner sans tout entraîner : LoRA (rang 16) et QLoRA (base en 4 bits) sur Llama-2-7B.
from genai_docs import french
from genai_docs.memory import (
    GB,
    TrainingConfig,
    estimate_training,
    lora_params,
    model_shape,
)
from genai_docs.values import claim, publish

modele = model_shape("llama-2-7b")
pics = {}
entraines = lora_params(modele, 16)
print(f"paramètres entraînés par LoRA (rang 16 ; q, k, v, o) : {french.number(entraines, 0)}")
print(f"soit {french.percent(entraines / modele.params)} du modèle\n")
publish("part_lora", french.percent(entraines / modele.params))
for nom, cfg in [
    ("complet, précision mixte", TrainingConfig(1, 2048, "mixed", recompute="full")),
    ("LoRA, base en bf16", TrainingConfig(1, 2048, "bf16", recompute="full", lora_rank=16)),
    (
        "QLoRA, base en 4 bits",
        TrainingConfig(1, 2048, "bf16", recompute="full", lora_rank=16, qlora=True),
    ),
]:
    octets = pics[nom.split(",")[0]] = estimate_training(modele, cfg).total_bytes
    print(f"{nom:>26} : {french.number(octets / GB, 1)} Go")
    publish(f"pic_{nom.split(',')[0].lower()}", f"{french.number(octets / GB, 1)}\u00a0Go")
claim(
    "lora_allege",
    pics["LoRA"] < pics["complet"] and entraines / modele.params < 0.01,
    f"{french.number(pics['LoRA'] / GB, 1)} Go < {french.number(pics['complet'] / GB, 1)} Go ; "
    f"{french.percent(entraines / modele.params)} des paramètres",
)
claim(
    "qlora_grand_public",
    pics["QLoRA"] <= 24 * GB,
    f"QLoRA : {french.number(pics['QLoRA'] / GB, 1)} Go ≤ 24 Go (une carte grand public)",
)
