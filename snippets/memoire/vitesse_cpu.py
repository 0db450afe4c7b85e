# L'estimation du temps, vérifiée sur le CPU de cette machine : les « pics » sont mesurés ici
# (un grand produit de matrices en fp32, une grande copie), puis un pas d'entraînement du
# mini-GPT du cours et son décodage sont chronométrés (médiane de 5 essais). Le rapport
# mesuré ÷ estimé dit combien un petit modèle reste loin de ces pics. Des temps : ils
# varient d'une machine et d'un instant à l'autre.
from genai_docs import french
from genai_docs.memory.timing import check_on_cpu
from genai_docs.values import claim, publish

r = check_on_cpu()
print(
    f"Pics mesurés : produit de matrices {french.number(r.matmul_flops / 1e9)} GFLOP/s, "
    f"copie {french.number(r.bandwidth / 1e9)} Go/s\n"
)
print("| mini-GPT | travail | estimé (ms) | mesuré (ms) | mesuré ÷ estimé |")
print("| --- | ---: | ---: | ---: | ---: |")
lignes = [
    ("un pas d'entraînement", f"{french.scientific(r.step_flops, 2)} opérations",
     r.step_predicted, r.step_measured),
    ("un token décodé", f"{french.size(r.decode_bytes, 'Mo', 1)} lus",
     r.decode_predicted, r.decode_measured),
]  # fmt: skip
for nom, travail, estime, mesure in lignes:
    print(
        f"| {nom} | {travail} | {french.number(1e3 * estime, 2)} | {french.number(1e3 * mesure, 2)} "
        f"| {french.number(mesure / estime, 1)} |"
    )
publish("cpu_gflops", r.matmul_flops / 1e9, 0)
publish("cpu_go_s", r.bandwidth / 1e9, 0)
publish("rapport_pas_cpu", r.step_measured / r.step_predicted, 1)
publish("rapport_decodage_cpu", r.decode_measured / r.decode_predicted, 0)
# Au pic mesuré, l'estimation est une borne : le mesuré ne peut que la dépasser (marge
# observée : 2,5 fois au moins pour le pas, 10 pour le décodage).
claim(
    "cpu_sous_le_pic",
    r.step_measured > r.step_predicted and r.decode_measured > r.decode_predicted,
    f"mesuré ÷ estimé : {french.number(r.step_measured / r.step_predicted, 1)} (pas), "
    f"{french.number(r.decode_measured / r.decode_predicted, 0)} (décodage), tous deux > 1",
)
