# Le cache KV mesuré : le temps de chaque token généré, avec et sans cache, quand le texte
# s'allonge ; la place du cache, mesurée et prédite par la calculatrice de mémoire.
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.ticker import FuncFormatter

from genai_docs import french
from genai_docs.memory import InferenceConfig, estimate_inference, kv_cache_bytes, model_shape
from genai_docs.transformer import corpus_text, hf_config, load_course_model
from genai_docs.transformer.kv_cache import KVCache, forward_cached, greedy_step_times
from genai_docs.values import claim, publish

modele, tokeniseur = load_course_model()
debut = torch.tensor(tokeniseur.encode("Omar a frappé un").ids)  # (S,)
S, N = debut.numel(), modele.config.seq_len - debut.numel() + 1  # jusqu'au bout du contexte

# 1. Le cache ne change pas le calcul : mêmes logits que la passe complète.
texte = torch.tensor([tokeniseur.encode(corpus_text("valid")).ids[:128]])  # (1, 128) du corpus
with torch.no_grad():
    complet = modele(texte)[0]  # (1, 128, V) : tout le texte d'un coup
cache = KVCache()
pas_a_pas = torch.cat(
    [forward_cached(modele, texte[:, i : i + 1], cache) for i in range(texte.shape[1])], 1
)
ecart = (complet - pas_a_pas).abs().max().item()
print(f"Plus grand écart entre les logits avec cache et d'un coup : {french.scientific(ecart, 2)}")

# 2. Le temps de chaque pas de décodage glouton, avec et sans cache (le plus rapide de 3 essais).
mesure = greedy_step_times(modele, debut, N, repeats=3)
longueurs = mesure.positions  # longueur du texte lu à chaque pas : S, S + 1, ..., 128

# 3. La place du cache : mesurée (octets des clés et valeurs) et prédite par la calculatrice.
forme = model_shape(hf_config(modele.config))  # notre GPT vu comme un GPT-2 de Hugging Face
prevu = [kv_cache_bytes(forme, n, batch_size=1, dtype="fp32") for n in longueurs]
generation = InferenceConfig(seq_len=S, new_tokens=N, dtype="fp32", device="cpu")
prevu_generate = estimate_inference(forme, generation).breakdown["kv_cache"]  # au dernier pas

# La forme de toute la série : une droite ajustée au temps par token, avec et sans cache.
x = np.array(longueurs)
droites = {nom: np.polyfit(x, 1e3 * np.array(t), 1) for nom, t in
           (("sans", mesure.without_cache), ("avec", mesure.with_cache))}  # fmt: skip

fig, (gauche, droite) = plt.subplots(1, 2, figsize=(11, 4.2))
for nom, temps, couleur in (
    ("sans", mesure.without_cache, "tab:blue"),
    ("avec", mesure.with_cache, "tab:orange"),
):
    gauche.plot(x, [1e3 * t for t in temps], ".", ms=4, color=couleur, alpha=0.5)
    gauche.plot(x, np.polyval(droites[nom], x), color=couleur, label=f"{nom} cache")
gauche.set_xlabel("longueur du texte déjà écrit (tokens)")
gauche.set_ylabel("temps de calcul pour un token (ms)")
gauche.set_title("Sans cache, chaque token coûte plus que le précédent")
gauche.yaxis.set_major_formatter(FuncFormatter(lambda v, _: french.number(v, 1 if v % 1 else 0)))
gauche.legend(title="points : chaque pas ; droites : ajustées", title_fontsize=8)
droite.plot(x, [b / 1024 for b in prevu], color="gray", lw=4, alpha=0.5,
            label="prédit : 2 · n_layer · positions · d_model · 4 octets")  # fmt: skip
droite.plot(x, [b / 1024 for b in mesure.cache_bytes], ".", ms=3, label="mesuré")
droite.set_xlabel("longueur du texte déjà écrit (tokens)")
droite.set_ylabel("taille du cache (Kio)")
droite.set_title("Le cache grandit d'autant à chaque token")
droite.legend()
fig.tight_layout()


def kio(octets: int) -> str:
    return f"{french.number(octets / 1024)}{french.NBSP}Kio"


total_sans, total_avec = sum(mesure.without_cache), sum(mesure.with_cache)
gain = total_sans / total_avec
print(f"Temps de calcul pour {N} tokens : {french.number(total_sans, 2)} s sans cache, "
      f"{french.number(total_avec, 2)} s avec (÷ {french.number(gain, 1)})")  # fmt: skip
for nom, (pente, origine) in droites.items():
    print(f"{nom.capitalize()} cache : {french.number(origine, 2)} ms + "
          f"{french.number(1000 * pente, 1)} µs par token déjà écrit")  # fmt: skip
print(
    f"Cache au dernier pas : {kio(mesure.cache_bytes[-1])} mesurés, {kio(prevu_generate)} prédits"
)

# Les verdicts, sur toute la série : ce que chaque droite fait entre le premier et le dernier pas.
etendue = x[-1] - x[0]
variation = {nom: d[0] * etendue for nom, d in droites.items()}  # ms, du début à la fin
hausse = variation["sans"] / np.polyval(droites["sans"], x[0])
r2_sans = np.corrcoef(x, mesure.without_cache)[0, 1] ** 2
claim("cache_memes_logits", ecart < 1e-4, f"{french.scientific(ecart, 2)} < 10⁻⁴")
claim(
    "sans_cache_croit",
    hausse > 0.5 and r2_sans > 0.8,
    f"sans cache, la droite monte de {french.percent(hausse, 0)} (> 50 %), "
    f"R² = {french.number(r2_sans, 2)} > 0,8",
)
claim(
    "avec_cache_plat",
    abs(variation["avec"]) < 0.2 * variation["sans"],
    f"la droite avec cache varie de {french.number(variation['avec'], 2)} ms, moins d'un "
    f"cinquième des {french.number(variation['sans'], 2)} ms de la droite sans cache",
)
claim("cache_plus_rapide", gain > 1.5, f"temps total divisé par {french.number(gain, 1)} > 1,5")
claim(
    "cache_comme_prevu",
    mesure.cache_bytes == prevu and prevu_generate == mesure.cache_bytes[-1],
    f"octets mesurés = prédits à chaque pas ; au dernier : {french.number(prevu_generate)}",
)

llama = estimate_inference(model_shape("llama-2-7b"), InferenceConfig(seq_len=4096))
publish("ecart_logits", french.scientific(ecart, 2))
publish("tokens_generes", N)
publish("gain_cache", gain, 1)
publish("hausse_sans", french.percent(hausse, 0))
publish("variation_avec", variation["avec"], 2)
publish("variation_sans", variation["sans"], 1)
publish("ms_sans_debut", np.polyval(droites["sans"], x[0]), 1)
publish("ms_sans_fin", np.polyval(droites["sans"], x[-1]), 1)
publish("ms_avec", np.polyval(droites["avec"], x[-1]), 1)
publish("cache_kio", kio(mesure.cache_bytes[-1]))
publish("cache_positions", longueurs[-1])
publish("octets_par_position", mesure.cache_bytes[-1] // longueurs[-1])
publish("cache_llama", french.size(llama.breakdown["kv_cache"], "Gio", 0))
