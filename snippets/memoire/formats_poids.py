# Les poids seuls, selon le format des nombres : fp32, fp16, bf16, int8, int4.
from genai_docs import french
from genai_docs.memory import model_shape, weight_bytes
from genai_docs.values import publish

modeles = ["tinyllama-1.1b", "llama-2-7b", "llama-3-8b"]
print("| format | " + " | ".join(modeles) + " |")
print("| --- |" + " ---: |" * len(modeles))
formes = [model_shape(nom) for nom in modeles]
for fmt in ("fp32", "fp16", "bf16", "int8", "int4"):
    cases = [french.size(weight_bytes(f, fmt), "Go") for f in formes]
    print(f"| {fmt} | " + " | ".join(cases) + " |")

# De combien chaque format divise les poids fp32 (les échelles et les embeddings comptent).
for fmt in ("int8", "int4"):
    rapports = [weight_bytes(f, "fp32") / weight_bytes(f, fmt) for f in formes]
    publish(f"division_{fmt}_min", min(rapports), 1)
    publish(f"division_{fmt}_max", max(rapports), 1)
