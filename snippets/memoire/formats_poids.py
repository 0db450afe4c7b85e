# Les poids seuls, selon le format des nombres : fp32, fp16, bf16, int8, int4.
from genai_docs import french
from genai_docs.memory import model_shape, weight_bytes
from genai_docs.values import claim, publish

modeles = ["tinyllama-1.1b", "llama-2-7b", "llama-3-8b"]
print("| format | " + " | ".join(modeles) + " |")
print("| --- |" + " ---: |" * len(modeles))
formes = [model_shape(nom) for nom in modeles]
for fmt in ("fp32", "fp16", "bf16", "int8", "int4"):
    cases = [french.size(weight_bytes(f, fmt), "Go") for f in formes]
    print(f"| {fmt} | " + " | ".join(cases) + " |")

# De combien chaque format divise les poids fp32 (les échelles et les embeddings comptent).
rapports = {
    fmt: [weight_bytes(f, "fp32") / weight_bytes(f, fmt) for f in formes]
    for fmt in ("fp16", "bf16", "int8", "int4")
}
for fmt in ("int8", "int4"):
    publish(f"division_{fmt}_min", min(rapports[fmt]), 1)
    publish(f"division_{fmt}_max", max(rapports[fmt]), 1)
claim(
    "seize_bits_moitie",
    all(r == 2 for fmt in ("fp16", "bf16") for r in rapports[fmt]),
    "fp32 ÷ fp16 = fp32 ÷ bf16 = 2 pour les trois modèles",
)
claim(
    "entiers_moins_que_bits",
    max(rapports["int8"]) < 4 and max(rapports["int4"]) < 8,
    f"int8 : au plus {french.number(max(rapports['int8']), 2)} (< 4) ; "
    f"int4 : au plus {french.number(max(rapports['int4']), 2)} (< 8)",
)
