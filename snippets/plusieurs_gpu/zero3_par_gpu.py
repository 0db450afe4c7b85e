# ZeRO-3 sur de plus en plus de GPU : Llama-2-7B en précision mixte avec AdamW, une séquence
# de 2048 tokens par GPU, recalcul des activations, politique de précision mixte de FSDP2.
# Les états du modèle se divisent par N ; les gradients des poids hors blocs, réduits à la
# fin de la rétropropagation, ne se divisent pas.
from genai_docs import french
from genai_docs.memory import TrainingConfig, estimate_training, model_shape
from genai_docs.memory.report import MOMENT_LABELS
from genai_docs.values import claim, publish

modele = model_shape("llama-2-7b")
print("| GPU | états du modèle par GPU | reste du pic | pic par GPU | moment du pic |")
print("| ---: | ---: | ---: | ---: | --- |")
etats, pics, moments = {}, {}, {}
for n in (1, 8, 64, 512):
    cfg = TrainingConfig(1, 2048, "mixed", recompute="full", zero_stage=3, n_gpus=n)
    estimation = estimate_training(modele, cfg)
    etats[n] = sum(estimation.setting["sharded_states"].values())  # poids, gradients, AdamW
    pics[n] = estimation.total_bytes
    cases = [french.size(o, "Go", 2) for o in (etats[n], pics[n] - etats[n], pics[n])]
    moments[n] = estimation.setting["peak_at"]
    print(f"| {french.number(n)} | " + " | ".join(cases) + f" | {MOMENT_LABELS[moments[n]]} |")
    publish(f"pic_zero3_{n}", french.size(pics[n], "Go", 1))

claim(
    "etats_divises",
    all(abs(etats[1] / etats[n] / n - 1) < 0.02 for n in etats),
    "états du modèle à 1 GPU ÷ à N GPU = N à 2 % près, pour N = "
    + ", ".join(french.number(n) for n in etats),
)
claim(
    "pic_plafonne",
    pics[512] > pics[64] / 2 and etats[512] < etats[64] / 7,
    f"de 64 à 512 GPU, les états passent de {french.size(etats[64], 'Go', 2)} à "
    f"{french.size(etats[512], 'Go', 2)}, le pic de {french.size(pics[64], 'Go', 2)} "
    f"à {french.size(pics[512], 'Go', 2)}",
)
claim(
    "reste_indivisible",
    all(moments[n] == "root_reduce" for n in (64, 512))
    and pics[512] - etats[512] > 0.9 * (pics[64] - etats[64]),
    f"pic à la réduction des gradients hors blocs à 64 et 512 GPU ; reste du pic "
    f"{french.size(pics[64] - etats[64], 'Go', 2)} puis {french.size(pics[512] - etats[512], 'Go', 2)}",
)
