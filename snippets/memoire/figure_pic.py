# Ce qui occupe la mémoire au pic, pour quatre réglages d'entraînement de TinyLlama.
from genai_docs.memory import TrainingConfig, estimate_training, model_shape, plot_estimates

modele = model_shape("tinyllama-1.1b")
reglages = {
    "fp32\nbatch 1×512": TrainingConfig(1, 512, "fp32"),
    "fp32\nbatch 4×2048": TrainingConfig(4, 2048, "fp32"),
    "mixte bf16\nbatch 4×2048": TrainingConfig(4, 2048, "mixed"),
    "mixte + recalcul\nbatch 4×2048": TrainingConfig(4, 2048, "mixed", recompute="full"),
}
estimations = [estimate_training(modele, cfg) for cfg in reglages.values()]
plot_estimates(
    estimations,
    list(reglages),
    unit="Go",
    title="TinyLlama (1,1 milliard de paramètres) : pic d'un pas d'entraînement",
)
print("**Le pic en fp32, batch de 4 séquences de 2048 *tokens*, partie par partie**\n")
print(estimations[1].table("Go"))

# Les verdicts du texte. En fp32 à 4 × 2048, les activations dominent. La précision mixte
# baisse le pic, surtout parce que l'attention change de noyau : en fp32, TinyLlama (têtes
# clés-valeurs groupées) n'a pas d'attention fusionnée sur GPU et garde ses scores.
from genai_docs import french  # noqa: E402
from genai_docs.values import claim, publish  # noqa: E402

fp32, mixte = estimations[1], estimations[2]
part = fp32.breakdown["activations"] / fp32.total_bytes
claim("activations_dominent_fp32", part > 0.5, f"activations : {french.percent(part, 0)} du pic")
publish("baisse_mixte", french.percent(1 - mixte.total_bytes / fp32.total_bytes, 0))


def explicite(precision):  # l'attention explicite (« eager »), qui garde ses scores
    return estimate_training(modele, TrainingConfig(4, 2048, precision, attention="eager"))


mixte_eager, fp32_eager = explicite("mixed"), explicite("fp32")
publish("pic_mixte_eager", french.size(mixte_eager.total_bytes, "Go", 1))
publish("pic_fp32_eager", french.size(fp32_eager.total_bytes, "Go", 1))
claim(
    "noyau_fait_la_baisse",
    fp32.setting["attention"] != "sdpa" == mixte.setting["attention"]
    and mixte_eager.total_bytes > fp32_eager.total_bytes,
    f"noyaux : {fp32.setting['attention']} en fp32, {mixte.setting['attention']} en précision "
    f"mixte ; à noyau explicite égal, {french.size(mixte_eager.total_bytes, 'Go', 1)} en "
    f"précision mixte contre {french.size(fp32_eager.total_bytes, 'Go', 1)} en fp32",
)
