# Le pic de mémoire de chaque rang, mesuré : deux processus (gloo, sur CPU) entraînent un
# petit Llama sous FSDP2 (ZeRO-3), et le traceur de mémoire de PyTorch (FSDPMemTracker)
# mesure le pic du deuxième pas, dans les trois réglages de précision mixte. La calculatrice
# prédit le même pic, pour le premier GPU, à partir de la seule configuration.
from genai_docs import french
from genai_docs.memory import TrainingConfig, estimate_training, model_shape
from genai_docs.memory.registry import named_config
from genai_docs.transformer.distributed import measure_sharded_peak
from genai_docs.values import claim, publish

reglages = {"fsdp2": "politique de FSDP2", "deepspeed": "poids bf16, copie fp32",
            "autocast": "autocast autour de FSDP"}  # fmt: skip
mesures = measure_sharded_peak("tiny-llama", [(nom, 2, 128) for nom in reglages], nproc=2)
forme = model_shape(named_config("tiny-llama"), "tiny-llama")
print("| précision mixte | rang 0 mesuré | rang 1 mesuré | prédit | écart |")
print("| --- | ---: | ---: | ---: | ---: |")
ecarts = []
for (nom, libelle), rangs in zip(reglages.items(), mesures, strict=True):
    cfg = TrainingConfig(2, 128, "mixed", zero_stage=3, n_gpus=2, device="cpu", mixed=nom)
    prevu = estimate_training(forme, cfg).total_bytes
    ecarts += [prevu / r["peak"] - 1 for r in rangs]
    cases = [french.size(r["peak"], "Mo", 2) for r in rangs]
    print(
        f"| {libelle} | "
        + " | ".join(cases)
        + f" | {french.size(prevu, 'Mo', 2)} | {french.percent(ecarts[-1], 2)} |"
    )
pire = max(abs(e) for e in ecarts)
publish("ecart_rang_max", french.percent(pire, 2))
claim(
    "pic_rang_predit",
    pire < 0.02,
    f"écart le plus grand, rang par rang : {french.percent(pire, 2)} < 2 %",
)
