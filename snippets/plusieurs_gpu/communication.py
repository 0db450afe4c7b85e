# Ce que chaque GPU envoie (et reçoit) à chaque pas, pour Llama-2-7B avec des gradients
# et des poids échangés en bf16 (2 octets par paramètre).
from genai_docs import french
from genai_docs.memory import model_shape
from genai_docs.values import publish

octets = 2 * model_shape("llama-2-7b").params  # un exemplaire des gradients (ou des poids)
publish("gradients_7b", french.size(octets, "Go", 1))
CITE = 8  # le nombre de GPU que cite le texte
publish("gpus_communication", CITE)

print("| GPU (N) | facteur 2(N−1)/N | all-reduce (DDP, ZeRO-1 et 2) | ZeRO-3 (FSDP), 3(N−1)/N |")
print("| ---: | ---: | ---: | ---: |")
for n in (2, 4, 8, 64, 1024):
    anneau = 2 * (n - 1) / n  # all-reduce en anneau : reduce-scatter puis all-gather
    zero3 = 3 * (n - 1) / n  # all-gather des poids (avant, arrière) + reduce-scatter
    cases = [french.number(anneau, 3), french.size(anneau * octets), french.size(zero3 * octets)]
    print(f"| {french.number(n)} | " + " | ".join(cases) + " |")
    if n == CITE:
        publish("allreduce_8_gpu", french.size(anneau * octets, "Go", 1))
        publish("zero3_8_gpu", french.size(zero3 * octets, "Go", 1))
