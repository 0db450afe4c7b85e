# Les poids seuls, selon le format des nombres : fp32, fp16, bf16, int8, int4.
from genai_docs.memory import GB, model_shape, weight_bytes

modeles = ["tinyllama-1.1b", "llama-2-7b", "llama-3-8b"]
print("| format | " + " | ".join(modeles) + " |")
print("| --- |" + " ---: |" * len(modeles))
formes = [model_shape(nom) for nom in modeles]
for fmt in ("fp32", "fp16", "bf16", "int8", "int4"):
    cases = [f"{weight_bytes(f, fmt) / GB:.2f} Go".replace(".", ",") for f in formes]
    print(f"| {fmt} | " + " | ".join(cases) + " |")
