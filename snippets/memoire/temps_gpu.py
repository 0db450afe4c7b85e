# Le temps, pas seulement la mémoire : un pas d'entraînement (opérations ÷ pic publié ×
# utilisation), et le décodage (octets lus ÷ bande passante publiée), sur un H100.
from genai_docs import french
from genai_docs.memory import kv_cache_bytes, model_shape, weight_bytes
from genai_docs.memory.speed import (
    DEFAULT_MFU,
    GPUS,
    decode_speed,
    training_step_flops,
    training_step_seconds,
)
from genai_docs.values import claim, publish

h100 = GPUS["H100"]
llama, mixtral = model_shape("llama-2-7b"), model_shape("mixtral-8x7b")
print(
    f"Hypothèses : {h100.name}, {french.number(h100.bf16_flops / 1e12)} TFLOP/s en bf16 et "
    f"{french.number(h100.bandwidth / 1e12, 2)} To/s ({h100.source}), "
    f"{french.percent(DEFAULT_MFU, 0)} du pic de calcul atteint.\n"
)
operations = training_step_flops(llama, 8 * 2048, 2048, recompute=False)
pas = training_step_seconds(llama, 8 * 2048, 2048, "mixed", gpu=h100)
print(
    f"Llama-2-7B, un pas de 8 × 2048 tokens : {french.scientific(operations, 2)} opérations, "
    f"{french.number(pas, 2)} s sur un GPU"
)
publish("pas_7b_secondes", pas, 2)
print("\n| décodage bf16, 1 séquence, 2048 positions | octets lus par token | tokens/s au mieux |")
print("| --- | ---: | ---: |")
vitesses = {}
for forme in (llama, mixtral):
    kv = kv_cache_bytes(forme, 2048, 1, "bf16")
    v = vitesses[forme.name] = decode_speed(forme, weight_bytes(forme, "bf16"), 2048, kv, 1)
    print(
        f"| {forme.name} | {french.size(v.bytes_per_step, 'Go', 1)} | {french.number(v.tokens_per_second)} |"
    )
    publish(f"tokens_s_{forme.name.split('-')[0]}", v.tokens_per_second, 0)
claim(
    "decodage_borne_memoire",
    all(v.bound == "mémoire" for v in vitesses.values()),
    "pour les deux modèles, lire les octets prend plus longtemps que les calculer",
)
