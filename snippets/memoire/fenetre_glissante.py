# Le cache KV avec une fenêtre glissante : Mistral 7B ne regarde que les 4 096 dernières
# positions, et transformers n'en garde pas plus ; une alternance à la Gemma 2 (une couche
# sur deux locale, les autres globales) n'en plafonne que la moitié.
from dataclasses import replace

from genai_docs import french
from genai_docs.memory import kv_cache_bytes, model_shape
from genai_docs.values import claim, publish

mistral = model_shape("mistral-7b")  # fenêtre de 4 096 positions sur les 32 couches
sans_fenetre = replace(mistral, window=0, window_layers=0)
alterne = replace(mistral, window_layers=mistral.n_layer // 2)
print("| tokens | sans fenêtre | une couche sur deux locale | fenêtre partout (Mistral) |")
print("| ---: | ---: | ---: | ---: |")
caches = {}
for tokens in (1024, 4096, 32768):
    caches[tokens] = [
        kv_cache_bytes(m, tokens, 1, "bf16") for m in (sans_fenetre, alterne, mistral)
    ]
    print(
        f"| {french.number(tokens)} | "
        + " | ".join(french.size(c, "Go", 2) for c in caches[tokens])
        + " |"
    )
publish("cache_32k_plein", french.size(caches[32768][0], "Go", 1))
publish("cache_32k_alterne", french.size(caches[32768][1], "Go", 1))
publish("cache_32k_mistral", french.size(caches[32768][2], "Go", 2))
claim(
    "fenetre_plafonne",
    caches[32768][2] == caches[4096][2] and caches[32768][1] < 0.6 * caches[32768][0],
    f"Mistral : {french.size(caches[4096][2], 'Go', 2)} à 4 096 comme à 32 768 tokens ; "
    f"l'alternance : {french.size(caches[32768][1], 'Go', 1)} contre {french.size(caches[32768][0], 'Go', 1)}",
)
