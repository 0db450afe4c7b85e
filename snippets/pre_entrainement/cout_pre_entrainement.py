# Combien coûte un pré-entraînement ? La règle C ≈ 6·N·D (Kaplan et al., 2020), comparée aux
# chiffres que les auteurs ont publiés (sources sous le tableau). Quand ils publient des
# heures-GPU, on les convertit en MFU : la part de la crête de leurs GPU que ces heures
# impliquent. La dernière colonne suit l'hypothèse commune au cours (genai_docs.compute).
from genai_docs.compute import (
    DEFAULT_GPU,
    DEFAULT_MFU,
    GPU_PEAK_FLOPS,
    implied_mfu,
    training_cost,
    training_flops,
)
from genai_docs.french import number, percent, scientific
from genai_docs.transformer import COURSE_CONFIG, COURSE_TRAIN, GPT, course_record
from genai_docs.values import claim, publish

SECONDES_PAR_AN = 365.25 * 24 * 3600

# Le mini-GPT du cours (leçon « Mot suivant ») : ses paramètres, et les tokens vus pendant
# son entraînement (pas × séquences par pas × tokens par séquence).
n_mini = GPT(COURSE_CONFIG).num_parameters()
d_mini = COURSE_TRAIN.steps * COURSE_TRAIN.batch_size * COURSE_TRAIN.seq_len

# (modèle, N paramètres, D tokens, (FLOP publiés, chiffres significatifs),
#  (GPU, heures-GPU publiées), source)
modeles = [
    ("Le mini-GPT du cours", n_mini, d_mini, None, None, "—"),
    ("GPT-3 (2020)", 175e9, 300e9, (3.14e23, 3), None, "[1]"),
    ("BLOOM (2022)", 176e9, 366e9, None, ("A100", 1_082_990), "[2]"),
    ("Llama 2 70B (2023)", 70e9, 2e12, None, ("A100", 1_720_320), "[3]"),
    ("Llama 3.1 405B (2024)", 405e9, 15.6e12, (3.8e25, 2), ("H100", 30.84e6), "[4]"),
]


def grand(x: float) -> str:
    """175e9 -> « 175 milliards »."""
    for seuil, mot in [(1e9, "milliard"), (1e6, "million")]:
        if x >= seuil:
            valeur = x / seuil
            decimales = 0 if valeur >= 10 or valeur == int(valeur) else 2
            return f"{number(valeur, decimales)} {mot}{'s' if valeur >= 2 else ''}"
    return number(x)


def duree(secondes: float) -> str:
    if secondes < 60:
        return f"{number(secondes, 2)} s"
    if secondes < SECONDES_PAR_AN:
        return f"{number(secondes / 86400)} jours"
    return f"{number(secondes / SECONDES_PAR_AN)} ans"


gpu = f"{DEFAULT_GPU} à {percent(DEFAULT_MFU, 0)} de sa crête"
print(
    "| Modèle | Paramètres N | Tokens D | C = 6·N·D (FLOP) | Chiffre publié "
    f"| Ce qu'il implique | Sur un seul {gpu} |"
)
print("|---|--:|--:|--:|---|---|--:|")
resultats = {}
for nom, n, d, flops_publies, heures, source in modeles:
    c = training_flops(n, d)
    publie, implique = [], []
    if flops_publies:
        valeur, chiffres = flops_publies
        publie.append(f"{scientific(valeur, chiffres)} FLOP")
        implique.append(f"6·N·D s'en écarte de {percent(abs(c / valeur - 1))}")
    if heures:
        type_gpu, h = heures
        mfu = implied_mfu(c, h, GPU_PEAK_FLOPS[type_gpu])
        en_clair = f"{number(h / 1e6, 2)} millions d'" if h >= 1e7 else f"{number(h)} "
        publie.append(f"{en_clair}heures-{type_gpu}")
        implique.append(f"MFU de {percent(mfu, 0)} sur {type_gpu}")
        resultats[nom] = mfu
    secondes = training_cost(n, d).gpu_hours * 3600
    print(
        f"| {nom} | {grand(n)} | {grand(d)} | {scientific(c)} "
        f"| {' ; '.join(publie)} {source} "
        f"| {' ; '.join(implique) or '—'} "
        f"| {duree(secondes)} |"
    )

llama3 = training_cost(405e9, 15.6e12)
publish("gpu", DEFAULT_GPU)
publish("crete_tflops", GPU_PEAK_FLOPS[DEFAULT_GPU] / 1e12)
publish("crete_a100_tflops", GPU_PEAK_FLOPS["A100"] / 1e12)
publish("mfu", percent(DEFAULT_MFU, 0))
publish("parametres_mini", n_mini)
publish("tokens_mini", grand(d_mini))  # « 1,54 million »
secondes_h100 = training_cost(n_mini, d_mini).gpu_hours * 3600
publish("secondes_mini", secondes_h100, 2)
# Le vrai entraînement du mini-GPT, sur le CPU de la machine qui a construit ce site.
entrainement = course_record()  # ce que l'entraînement a noté : durée, cœurs utilisés
publish("secondes_cpu_mini", entrainement["seconds"])
publish("coeurs_cpu_mini", entrainement["threads"])
publish("rapport_cpu_h100", round(entrainement["seconds"] / secondes_h100, -2))
claim(
    "cpu_bien_plus_lent",
    entrainement["seconds"] > 100 * secondes_h100,
    f"{number(entrainement['seconds'])} s sur CPU contre {number(secondes_h100, 2)} s "
    f"d'un {DEFAULT_GPU} à {percent(DEFAULT_MFU, 0)}",
)
publish("ecart_gpt3", percent(abs(training_flops(175e9, 300e9) / 3.14e23 - 1)))
publish("mfu_bloom", percent(resultats["BLOOM (2022)"], 0))
publish("mfu_llama2", percent(resultats["Llama 2 70B (2023)"], 0))
publish("mfu_llama3", percent(resultats["Llama 3.1 405B (2024)"], 0))
claim(
    "mfu_bon_ordre",
    all(DEFAULT_MFU / 1.5 < m < DEFAULT_MFU * 1.5 for m in resultats.values()),
    "MFU implicites : "
    + " ; ".join(percent(m, 0) for m in resultats.values())
    + f", à moins d'un facteur 1,5 de {percent(DEFAULT_MFU, 0)}",
)
publish("annees_llama3", llama3.gpu_hours * 3600 / SECONDES_PAR_AN)
publish("gpus_llama3", 16_384)  # H100 de la grappe de Llama 3 (Llama Team, 2024, section 3.3)
publish("jours_llama3", 30.84e6 / 16_384 / 24)  # les heures publiées, réparties sur la grappe
publish("tokens_par_parametre_llama3", 15.6e12 / 405e9)
publish("flops_llama2", scientific(training_flops(70e9, 2e12)))
publish("tokens_llama2", 2e12 / 1e9)
publish("heures_llama2", 1_720_320)
publish("flops_possibles_llama2", scientific(1_720_320 * 3600 * GPU_PEAK_FLOPS["A100"]))
