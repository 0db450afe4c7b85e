# Ce que l'on entraîne vraiment, prédit puis mesuré (MemTracker, sur CPU) : un petit GPT-2
# avec son dropout par défaut (0,1), deux petits mélanges d'experts (Mixtral, et Qwen2-MoE
# avec son expert partagé) et un Mistral à fenêtre glissante (48 positions).
import statistics

from genai_docs import french
from genai_docs.memory import (
    InferenceConfig,
    TrainingConfig,
    estimate_inference,
    estimate_training,
    measure_generate_peak,
    measure_training_peak,
    model_shape,
    tiny_configs,
)
from genai_docs.values import claim, publish

petits = tiny_configs()
entrainements = [
    ("gpt2-dropout", TrainingConfig(2, 128, "fp32", device="cpu")),
    ("gpt2-dropout", TrainingConfig(2, 128, "mixed", device="cpu")),
    ("mixtral", TrainingConfig(4, 128, "mixed", device="cpu")),
    ("qwen2-moe", TrainingConfig(2, 128, "fp32", device="cpu")),
    ("mistral", TrainingConfig(2, 128, "bf16", attention="eager", device="cpu")),
]
generations = [
    ("mixtral", InferenceConfig(4, 128, 4, "fp32", device="cpu")),
    ("qwen2-moe", InferenceConfig(8, 32, 8, "bf16", device="cpu")),
    ("mistral", InferenceConfig(2, 128, 4, "bf16", device="cpu")),
]
print("| modèle | calcul | prédit (Mo) | mesuré (Mo) | écart | sans dropout |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
ecarts, sans_dropout = [], []
for nom, cfg in entrainements + generations:
    forme = model_shape(petits[nom], nom)
    if isinstance(cfg, TrainingConfig):
        mesure = measure_training_peak(petits[nom], cfg, keep_dropout=True)["peak"]
        prevu = estimate_training(forme, cfg).total_bytes
        precision = "mixte" if cfg.precision == "mixed" else cfg.precision
        calcul = f"entraînement {precision}, {cfg.batch_size} × {cfg.seq_len}"
    else:
        mesure = measure_generate_peak(petits[nom], cfg)["peak"]
        prevu = estimate_inference(forme, cfg).total_bytes
        calcul = f"génération {cfg.dtype}, {cfg.batch_size} × ({cfg.seq_len} + {cfg.new_tokens})"
    ecarts.append(prevu / mesure - 1)
    autre = "—"
    if forme.has_dropout:  # la prédiction qui ignorerait le dropout
        sans_dropout.append(
            estimate_training(forme.without_dropout(), cfg).total_bytes / mesure - 1
        )
        autre = french.percent(sans_dropout[-1])
    print(
        f"| {nom} | {calcul} | {french.size(prevu, 'Mo')} | {french.size(mesure, 'Mo')} "
        f"| {'+' if ecarts[-1] >= 0 else ''}{french.percent(ecarts[-1], 2)} | {autre} |"
    )
pire = max(abs(e) for e in ecarts)
publish("erreur_archi_max", french.percent(pire, 2))
publish("erreur_archi_mediane", french.percent(statistics.median(abs(e) for e in ecarts), 2))
publish("erreur_sans_dropout", french.percent(-max(sans_dropout), 0))
claim("archi_a_5_pct", pire < 0.05, f"écart maximal {french.percent(pire, 2)} < 5 %")
claim(
    "dropout_oublie_sous_estime",
    all(e < -0.10 for e in sans_dropout),
    "sans le dropout, prédiction sous la mesure de "
    + " et ".join(french.percent(-e) for e in sans_dropout),
)
