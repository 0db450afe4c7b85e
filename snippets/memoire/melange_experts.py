# Un mélange d'experts : Mixtral 8x7B. Chaque token ne passe que par 2 des 8 experts de
# chaque bloc, mais tous les experts sont en mémoire ; à l'entraînement, tous reçoivent des
# gradients et des états d'AdamW.
from genai_docs import french
from genai_docs.memory import (
    InferenceConfig,
    TrainingConfig,
    estimate_inference,
    estimate_training,
    model_shape,
)
from genai_docs.values import claim, publish

moe, dense = model_shape("mixtral-8x7b"), model_shape("llama-2-7b")
print("| | Mixtral 8x7B | Llama-2-7B (dense) |")
print("| --- | ---: | ---: |")
print(
    f"| paramètres | {french.number(moe.params / 1e9, 1)} milliards "
    f"| {french.number(dense.params / 1e9, 1)} milliards |"
)
print(
    f"| paramètres par token | {french.number(moe.active_params / 1e9, 1)} milliards "
    f"| {french.number(dense.active_params / 1e9, 1)} milliards |"
)
inference = {
    m.name: estimate_inference(m, InferenceConfig(1, 2048, dtype="bf16")).total_bytes
    for m in (moe, dense)
}
print(
    f"| inférence bf16, 2048 tokens | {french.size(inference[moe.name], 'Go', 1)} "
    f"| {french.size(inference[dense.name], 'Go', 1)} |"
)
entrainement = {
    m.name: estimate_training(
        m, TrainingConfig(1, 2048, "mixed", recompute="full", zero_stage=3, n_gpus=8)
    )
    for m in (moe, dense)
}
print(
    f"| entraînement, par GPU (ZeRO-3, 8 GPU) | {french.size(entrainement[moe.name].total_bytes, 'Go', 1)} "
    f"| {french.size(entrainement[dense.name].total_bytes, 'Go', 1)} |"
)
publish("mixtral_total", french.number(moe.params / 1e9, 1))
publish("mixtral_actifs", french.number(moe.active_params / 1e9, 1))
publish("mixtral_part_active", french.percent(moe.active_params / moe.params, 0))
publish("mixtral_inference", french.size(inference[moe.name], "Go", 1))
publish("mixtral_entrainement", french.size(entrainement[moe.name].total_bytes, "Go", 1))
claim(
    "experts_tous_en_memoire",
    inference[moe.name] > 3 * 2 * moe.active_params,
    f"inférence {french.size(inference[moe.name], 'Go', 1)} > 3 × les poids bf16 actifs "
    f"({french.size(2 * moe.active_params, 'Go', 1)})",
)
