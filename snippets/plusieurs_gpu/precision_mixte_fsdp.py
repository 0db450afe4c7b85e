# La précision mixte sous ZeRO-3, trois façons : autocast autour de FSDP (le piège : ses
# copies bf16 des matrices ne sont pas découpées), la politique de FSDP2
# (MixedPrecisionPolicy, param_dtype=bf16, reduce_dtype=fp32) et les poids bf16 avec une
# copie fp32 dans l'optimiseur (DeepSpeed). Llama-2-7B, une séquence de 512 tokens par GPU,
# AdamW, sans recalcul.
from genai_docs import french
from genai_docs.memory import TrainingConfig, estimate_training, model_shape
from genai_docs.values import claim, publish

modele = model_shape("llama-2-7b")
reglages = {"autocast": "autocast autour de FSDP", "fsdp2": "politique de FSDP2",
            "deepspeed": "poids bf16, copie fp32 (DeepSpeed)"}  # fmt: skip
gpus = (8, 64, 512)
print(
    "| précision mixte | "
    + " | ".join(f"{n} GPU" for n in gpus)
    + " | dont copies des poids, à 512 GPU |"
)
print("| --- | " + " | ".join("---:" for _ in gpus) + " | ---: |")
pics, copies = {}, {}
for nom, libelle in reglages.items():
    for n in gpus:
        e = estimate_training(
            modele, TrainingConfig(1, 512, "mixed", zero_stage=3, n_gpus=n, mixed=nom)
        )
        pics[nom, n], copies[nom, n] = e.total_bytes, e.breakdown["weight_copies"]
    cases = [french.size(pics[nom, n], "Go", 1) for n in gpus]
    print(f"| {libelle} | " + " | ".join(cases) + f" | {french.size(copies[nom, 512], 'Go', 1)} |")
    publish(f"pic_{nom}_8", french.size(pics[nom, 8], "Go", 1))
    publish(f"pic_{nom}_512", french.size(pics[nom, 512], "Go", 1))
claim(
    "piege_copies_entieres",
    copies["autocast", 512] >= 0.95 * copies["autocast", 8] > 2 * 6e9,
    f"copies d'autocast : {french.size(copies['autocast', 8], 'Go', 1)} à 8 GPU, "
    f"{french.size(copies['autocast', 512], 'Go', 1)} à 512",
)
claim(
    "politique_fsdp2_moins",
    all(pics["fsdp2", n] < pics["autocast", n] / 1.5 for n in gpus),
    "politique de FSDP2 ÷ autocast : "
    + ", ".join(
        f"{french.percent(pics['fsdp2', n] / pics['autocast', n], 0)} à {n} GPU" for n in gpus
    ),
)
