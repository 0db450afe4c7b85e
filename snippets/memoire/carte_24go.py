# Exercice 2 : le plus grand batch de séquences de 2048 tokens avec lequel TinyLlama
# s'entraîne en précision mixte sur une carte de « 24 Go », sans et avec recalcul.
from genai_docs import french
from genai_docs.measurements import load
from genai_docs.memory import GB, GIB, TrainingConfig, estimate_training, model_shape
from genai_docs.values import claim, publish

modele = model_shape("tinyllama-1.1b")
CARTE = 24 * GB  # la carte, lue comme la calculatrice la lit : 24 × 10⁹ octets
# Le même réglage mesuré sur GPU : la ligne TinyLlama, 8 × 2048, recalcul, du tableau GPU
# de cette page (frozen/memoire.json).
mesures = load("memoire")
(MESURE_GPU,) = [
    c["peak_bytes"]
    for c in mesures.data["training"]
    if (c["model"], c["batch_size"], c["seq_len"]) == ("tinyllama-1.1b", 8, 2048)
    and (c["precision"], c["recompute"], c.get("dropout")) == ("mixed", "full", False)
]

pics = {}
print("| batch | pic sans recalcul | pic avec recalcul |")
print("| ---: | ---: | ---: |")
for batch in range(1, 11):
    for recalcul in ("none", "full"):
        cfg = TrainingConfig(batch, 2048, "mixed", recompute=recalcul)
        pics[batch, recalcul] = estimate_training(modele, cfg).total_bytes
    cases = [french.size(pics[batch, r], "Go", 1) for r in ("none", "full")]
    print(f"| {batch} | " + " | ".join(cases) + " |")


def plus_grand(recalcul):
    """Le plus grand batch dont le pic, et celui de tous les plus petits, tient sur la carte."""
    batch = 0
    while batch < 10 and pics[batch + 1, recalcul] <= CARTE:
        batch += 1
    return batch


sans, avec = plus_grand("none"), plus_grand("full")
publish("ex2_sans", sans)
publish("ex2_avec", avec)
publish("ex2_pic_sans", french.size(pics[sans, "none"], "Go", 1))
publish("ex2_pic_sans_suivant", french.size(pics[sans + 1, "none"], "Go", 1))
publish("ex2_pic_avec", french.size(pics[avec, "full"], "Go", 1))
publish("ex2_pic_avec_suivant", french.size(pics[avec + 1, "full"], "Go", 1))
publish("ex2_mesure_gpu", french.size(MESURE_GPU, "Go", 2))
publish("ex2_gpu", mesures.provenance["gpu"])
publish("ex2_carte_en_go", french.size(24 * GIB, "Go", 2))
publish("ex2_reste", french.size(24 * GIB - MESURE_GPU, "Go", 2))
claim(
    "ex2_batchs",
    sans == 1 < avec < 10 and pics[sans + 1, "none"] > CARTE and pics[avec + 1, "full"] > CARTE,
    f"sans recalcul : {sans} séquence(s) ; avec : {avec}",
)
claim(
    "ex2_gio_sauve",
    pics[avec, "full"] <= CARTE < MESURE_GPU <= 24 * GIB,
    f"prédit {french.size(pics[avec, 'full'], 'Go', 2)} ≤ 24 Go < mesuré "
    f"{french.size(MESURE_GPU, 'Go', 2)} ≤ 24 Gio = {french.size(24 * GIB, 'Go', 2)}",
)
