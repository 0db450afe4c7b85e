# Quand un seul GPU ne suffit plus : entraînement complet en précision mixte avec AdamW
# (batch de 1 séquence de 2048 tokens, recalcul des activations), d'après la calculatrice.
from transformers import LlamaConfig

from genai_docs import french
from genai_docs.memory import GB, TrainingConfig, estimate_training, model_shape
from genai_docs.values import claim, publish

GPU = {"H100": 80 * GB, "H200": 141 * GB}  # capacités annoncées par NVIDIA


TOKENS = 2048  # une séquence par GPU


def reglage(zero=0, gpus=1):
    return TrainingConfig(1, TOKENS, "mixed", recompute="full", zero_stage=zero, n_gpus=gpus)


def gpus_zero3(forme, memoire):
    """Le plus petit nombre de GPU pour lequel ZeRO-3 fait tenir le pic dans ``memoire``."""
    n = 1
    while estimate_training(forme, reglage(3, n)).total_bytes > memoire:
        n += 1
    return n


# Llama 2 en 13 et 70 milliards : configurations publiées (config.json de Meta) ;
# Llama-2-7B vient du registre de la bibliothèque.
llama2 = dict(vocab_size=32000, max_position_embeddings=4096, tie_word_embeddings=False)
formes = {
    "Llama-2-7B": model_shape("llama-2-7b"),
    "Llama-2-13B": model_shape(
        LlamaConfig(
            hidden_size=5120,
            intermediate_size=13824,
            num_hidden_layers=40,
            num_attention_heads=40,
            **llama2,
        ),
        "llama-2-13b",
    ),
    "Llama-2-70B": model_shape(
        LlamaConfig(
            hidden_size=8192,
            intermediate_size=28672,
            num_hidden_layers=80,
            num_attention_heads=64,
            num_key_value_heads=8,
            **llama2,
        ),
        "llama-2-70b",
    ),
}

publish("tokens_sequence", TOKENS)
for nom, memoire in GPU.items():
    publish(f"memoire_{nom.lower()}", french.size(memoire, "Go", 0))

# 1. Le pic d'un pas, en octets par paramètre : 4 (poids fp32) + 4 (gradients) + 8 (AdamW)
#    + 4 (le temporaire de l'étape d'AdamW) ; les activations d'un seul exemple pèsent peu.
ref = formes["Llama-2-7B"]
par_parametre = estimate_training(ref, reglage()).total_bytes / ref.params
publish("octets_par_parametre", par_parametre, 1)
for nom, memoire in GPU.items():
    seuil = memoire / par_parametre  # au-delà, le pic dépasse la mémoire du GPU
    publish(f"seuil_{nom.lower()}", seuil / 1e9, 1)
    print(
        f"- un {nom} ({french.size(memoire, 'Go', 0)}) cesse de suffire vers "
        f"{french.number(seuil / 1e9, 1)} milliards de paramètres"
    )

# Avec ZeRO-3 sur 8 H100, tout ce qui compte ici est découpé en 8 : 8 fois plus de paramètres.
publish("seuil_8_h100", 8 * GPU["H100"] / par_parametre / 1e9, 0)

# 2. Des modèles réels : le pic sur un seul GPU, puis combien de GPU il faut avec ZeRO-3.
print()
print(
    "| modèle | paramètres | pic sur 1 GPU | tient sur 1 H100 | tient sur 1 H200 "
    "| H100 avec ZeRO-3 | H200 avec ZeRO-3 |"
)
print("| --- | ---: | ---: | :---: | :---: | ---: | ---: |")
pics, gpus, coherent = {}, {}, True
for nom, forme in formes.items():
    taille = nom.removeprefix("Llama-2-").lower()  # « 7b », « 13b », « 70b »
    pic = pics[taille] = estimate_training(forme, reglage()).total_bytes
    # un modèle tient sur un GPU si et seulement s'il est sous le seuil de ce GPU
    coherent &= all((pic <= m) == (forme.params < m / par_parametre) for m in GPU.values())
    publish(f"pic_{taille}", french.size(pic, "Go", 0))
    cases = [french.number(forme.params / 1e9, 1) + " milliards", french.size(pic, "Go", 0)]
    cases += ["oui" if pic <= memoire else "non" for memoire in GPU.values()]
    for gpu, memoire in GPU.items():
        n = gpus[gpu, taille] = gpus_zero3(forme, memoire)
        publish(f"gpus_{gpu.lower()}_{taille}", n)
        cases.append(f"{n} GPU")
    print(f"| {nom} | " + " | ".join(cases) + " |")

claim(
    "seuils_coherents",
    coherent,
    "pour chaque modèle et chaque GPU : tient sur 1 GPU ⇔ paramètres sous le seuil",
)
remplissage = pics["7b"] / GPU["H200"]  # la part du H200 que Llama-2-7B occupe
claim(
    "tout_juste_h200",
    pics["7b"] > GPU["H100"] and 0.9 < remplissage <= 1,
    f"{french.size(pics['7b'], 'Go', 0)} : plus que {french.size(GPU['H100'], 'Go', 0)}, "
    f"{french.percent(remplissage, 0)} des {french.size(GPU['H200'], 'Go', 0)} d'un H200",
)
# Les exercices : sur huit H100, Llama-2-13B passe, Llama-2-70B non ; seul, il ne tient nulle part.
h100_13b, h100_70b = gpus["H100", "13b"], gpus["H100", "70b"]
claim(
    "huit_h100",
    h100_13b <= 8 < h100_70b,
    f"ZeRO-3 : {h100_13b} H100 pour Llama-2-13B, {h100_70b} pour Llama-2-70B",
)
claim(
    "aucun_gpu_70b",
    pics["70b"] > max(GPU.values()),
    f"{french.size(pics['70b'], 'Go', 0)} > {french.size(max(GPU.values()), 'Go', 0)}",
)
par_gpu_70b = estimate_training(formes["Llama-2-70B"], reglage(3, h100_70b)).total_bytes
claim(
    "zero3_70b",
    par_gpu_70b <= GPU["H100"] < GPU["H200"] < pics["70b"],
    f"Llama-2-70B : {french.size(pics['70b'], 'Go', 0)} sur 1 GPU, "
    f"{french.size(par_gpu_70b, 'Go', 1)} par GPU avec ZeRO-3 sur {h100_70b} H100",
)
