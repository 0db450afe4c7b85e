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
