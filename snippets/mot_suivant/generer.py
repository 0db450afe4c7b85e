# Compléter une phrase en tirant les tokens un par un, avec différentes températures.
from genai_docs import french
from genai_docs.transformer import complete, load_course_model

modele, tokeniseur = load_course_model()
for temperature, top_k in [(0.0, None), (0.7, 5), (1.0, None), (2.0, None)]:
    reglage = (
        "température 0 (glouton)"
        if temperature == 0
        else f"température {french.number(temperature, 1)}"
    )
    print(f"{reglage}, {'sans top-k' if top_k is None else f'top-k = {top_k}'} :")
    for graine in range(3):
        suite = complete(modele, tokeniseur, "Omar a frappé un", max_new_tokens=25,
                         temperature=temperature, top_k=top_k, seed=graine)  # fmt: skip
        print("   ", suite)
