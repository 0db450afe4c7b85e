# Choisir son modèle : entraîner à partir de zéro, ou adapter un modèle existant ?
# Ordres de grandeur calculés avec la règle « 6 N D » et le ratio de Chinchilla, sous
# l'hypothèse de GPU commune au cours (genai_docs.compute) : un H100 à 40 % de sa crête.
from genai_docs.compute import (
    DEFAULT_GPU,
    DEFAULT_MFU,
    GPU_PEAK_FLOPS,
    TOKENS_PER_PARAMETER,
    chinchilla_tokens,
    training_cost,
)
from genai_docs.french import number, percent, scientific
from genai_docs.values import claim, publish

TOKENS_ADAPTATION = 10e6  # un affinage sur 10 millions de tokens de données métier
HEURES_PAR_MOIS = 365.25 * 24 / 12

print(
    "| Modèle | Tokens de pré-entraînement | Pré-entraîner (heures-GPU) "
    "| Affiner (minutes-GPU) | Rapport |"
)
print("|---|---:|---:|---:|---:|")
rapports = {}  # paramètres -> pré-entraîner ÷ affiner
for nom, n in [
    ("125 millions", 125e6),
    ("1 milliard", 1e9),
    ("7 milliards", 7e9),
    ("70 milliards", 70e9),
]:
    tokens = chinchilla_tokens(n)
    zero = training_cost(n, tokens)
    affiner = training_cost(n, TOKENS_ADAPTATION)
    rapport = rapports[n] = zero.gpu_hours / affiner.gpu_hours
    print(
        f"| {nom} de paramètres | {number(tokens / 1e9, 1 if tokens < 1e10 else 0)} milliards "
        f"| {number(zero.gpu_hours, 1 if zero.gpu_hours < 10 else 0)} "
        f"| {number(affiner.gpu_hours * 60, 1)} | {number(rapport)} × |"
    )

# Le modèle de 7 milliards de paramètres, en durée : sur un seul GPU, ou sur une grappe.
N_EXEMPLE, GRAPPE = 7e9, 256
heures = training_cost(N_EXEMPLE, chinchilla_tokens(N_EXEMPLE)).gpu_hours
heures_a100 = training_cost(
    N_EXEMPLE, chinchilla_tokens(N_EXEMPLE), peak_flops=GPU_PEAK_FLOPS["A100"]
).gpu_hours
publish("gpu", DEFAULT_GPU)
publish("crete_tflops", GPU_PEAK_FLOPS[DEFAULT_GPU] / 1e12)
publish("mfu", percent(DEFAULT_MFU, 0))
publish("tokens_par_parametre", TOKENS_PER_PARAMETER)
publish("tokens_adaptation", TOKENS_ADAPTATION / 1e6)
publish("n_exemple", N_EXEMPLE / 1e9)
publish("heures_exemple", heures)
publish("mois_exemple", heures / HEURES_PAR_MOIS)
publish("mois_exemple_a100", heures_a100 / HEURES_PAR_MOIS)
publish("gpus_grappe", GRAPPE)
publish("heures_exemple_grappe", heures / GRAPPE)
publish("minutes_exemple_affiner", training_cost(N_EXEMPLE, TOKENS_ADAPTATION).gpu_hours * 60, 1)

# Pour l'exercice : le modèle d'un milliard de paramètres, pas à pas.
un_milliard = training_cost(1e9, chinchilla_tokens(1e9))
publish("tokens_1md", chinchilla_tokens(1e9) / 1e9)
publish("flops_1md", scientific(un_milliard.flops, 2))
publish("flops_par_seconde", scientific(GPU_PEAK_FLOPS[DEFAULT_GPU] * DEFAULT_MFU, 3))
publish("heures_1md", un_milliard.gpu_hours)

# Ce que la page dit de ce tableau, vérifié ici sur toutes ses lignes.
valeurs = list(rapports.values())
claim(
    "des_centaines_a_des_centaines_de_milliers",
    100 <= min(valeurs) < 1_000 and 100_000 <= max(valeurs) < 1_000_000,
    "pré-entraîner ÷ affiner : " + " ; ".join(f"{number(r)} ×" for r in valeurs),
)
par_milliard = [r / (n / 1e9) for n, r in rapports.items()]
claim(
    "rapport_proportionnel",
    max(par_milliard) / min(par_milliard) < 1.01,
    "rapport par milliard de paramètres : " + " ; ".join(number(r) for r in par_milliard),
)
