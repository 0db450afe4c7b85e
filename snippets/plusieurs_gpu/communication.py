# Ce que chaque GPU envoie à chaque pas, et combien de temps cela prend, pour Llama-2-7B en
# précision mixte (autocast) : les gradients sont en fp32, 4 octets par paramètre, comme dans
# le compte de la mémoire plus haut.
from genai_docs import french
from genai_docs.compute import DEFAULT_GPU, DEFAULT_MFU, LINK_BANDWIDTH, step_seconds
from genai_docs.memory import model_shape
from genai_docs.memory.zero import step_traffic_bytes
from genai_docs.values import claim, publish

psi = model_shape("llama-2-7b").params
N = 8  # GPU
TOKENS = 2048  # tokens par GPU et par pas : une séquence, comme plus haut


def duree(secondes):
    if secondes < 1:
        return f"{french.number(secondes * 1000)}{french.NBSP}ms"
    return f"{french.number(secondes, 2)}{french.NBSP}s"


# 1. Le volume envoyé par chaque GPU, selon le nombre de GPU.
print("| GPU | facteur 2(N−1)/N | DDP, ZeRO-1 et 2 | ZeRO-3 (FSDP) |")
print("| ---: | ---: | ---: | ---: |")
volumes = {}
for n in (2, 4, 8, 64, 1024):
    volumes[n] = step_traffic_bytes(psi, 0, n)  # all-reduce des gradients fp32
    cases = [
        french.number(2 * (n - 1) / n, 3),
        french.size(volumes[n]),
        french.size(step_traffic_bytes(psi, 3, n)),
    ]
    print(f"| {french.number(n)} | " + " | ".join(cases) + " |")

# 2. Le temps de l'échange (octets ÷ débit) contre le calcul du pas sur un H100 à 40 % :
#    6·N·tokens ÷ (crête × MFU). DDP envoie les gradients pendant la rétropropagation,
#    les 4 sixièmes du calcul : c'est elle qui peut cacher l'échange.
calcul = step_seconds(psi, TOKENS)
arriere = calcul * 4 / 6
print(f"\nCalcul d'un pas de {french.number(TOKENS)} tokens par GPU ({DEFAULT_GPU} à {french.percent(DEFAULT_MFU, 0)}) : "
      f"{duree(calcul)}, dont {duree(arriere)} de rétropropagation.\n")  # fmt: skip
print(
    "| lien | débit par sens | all-reduce (DDP) | ZeRO-3 | tokens par GPU pour couvrir l'all-reduce |"
)
print("| --- | ---: | ---: | ---: | ---: |")
temps, seuils = {}, {}
for lien, debit in LINK_BANDWIDTH.items():
    temps[lien] = step_traffic_bytes(psi, 0, N) / debit
    seuils[lien] = TOKENS * temps[lien] / arriere  # la rétropropagation dure autant que l'envoi
    cases = [
        f"{french.number(debit / 1e9, 0 if debit % 1e9 == 0 else 1)}{french.NBSP}Go/s",
        duree(temps[lien]),
        duree(step_traffic_bytes(psi, 3, N) / debit),
        french.number(seuils[lien]),
    ]
    print(f"| {lien} | " + " | ".join(cases) + " |")

nvlink, *autres = LINK_BANDWIDTH
publish("gpu_cours", DEFAULT_GPU)
publish("mfu_cours", french.percent(DEFAULT_MFU, 0))
publish("gradients_7b", french.size(4 * psi, "Go", 1))
publish("gpus_communication", N)
publish("allreduce_8_gpu", french.size(volumes[N], "Go", 1))
publish("zero3_8_gpu", french.size(step_traffic_bytes(psi, 3, N), "Go", 1))
publish("calcul_pas", duree(calcul))
publish("arriere_pas", duree(arriere))
publish("tokens_pas", TOKENS)
publish("temps_nvlink", duree(temps[nvlink]))
publish("temps_ethernet", duree(temps[autres[-1]]))
publish("tokens_nvlink", seuils[nvlink])
publish("tokens_ethernet", seuils[autres[-1]])
claim(
    "volume_sature",
    all(v < 2 * 4 * psi for v in volumes.values()) and volumes[1024] / volumes[64] < 1.02,
    f"{french.size(volumes[64])} à 64 GPU, {french.size(volumes[1024])} à 1 024 GPU, "
    f"toujours sous 2 × {french.size(4 * psi)}",
)
claim(
    "nvlink_couvert",
    temps[nvlink] < arriere and all(temps[lien] > arriere for lien in autres),
    f"NVLink {duree(temps[nvlink])} < {duree(arriere)} ; "
    + " ; ".join(f"{lien} {duree(temps[lien])}" for lien in autres),
)
# Le seuil ne dépend pas de la taille du modèle : octets et calcul sont tous deux ∝ Ψ.
gros = 10 * psi
dix_fois = (
    TOKENS
    * step_traffic_bytes(gros, 0, N)
    / LINK_BANDWIDTH[nvlink]
    / (step_seconds(gros, TOKENS) * 4 / 6)
)
claim(
    "seuil_sans_taille",
    abs(dix_fois / seuils[nvlink] - 1) < 1e-9,
    f"NVLink : {french.number(seuils[nvlink])} tokens pour Llama-2-7B comme pour un modèle "
    "dix fois plus gros",
)
rapport = step_traffic_bytes(psi, 3, N) / step_traffic_bytes(psi, 0, N)
claim(
    "zero3_une_fois_et_demie",
    abs(rapport - 1.5) < 1e-12,
    f"ZeRO-3 ÷ DDP = {french.number(rapport, 3)}",
)
