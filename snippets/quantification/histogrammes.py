# La même matrice (512 × 128 poids) avant et après quantification : histogrammes des valeurs,
# puis des erreurs commises.
import matplotlib.pyplot as plt

from genai_docs.figures import french_ticks
from genai_docs.french import number, percent
from genai_docs.quantization import quantize_absmax, quantize_int4
from genai_docs.transformer import load_course_model
from genai_docs.values import claim, publish

net, _ = load_course_model()
w = net.h[0].mlp.c_fc.weight.detach()  # (512, 128)
versions = {
    "int8 par tenseur (255 niveaux)": quantize_absmax(w, "tensor").dequantize(),
    "int8 par canal": quantize_absmax(w, "channel").dequantize(),
    "int4 par groupes de 64": quantize_int4(w, 64).dequantize(),
}

fig, axes = plt.subplots(2, 2, figsize=(10, 6.5))
bornes = (float(w.min()), float(w.max()))
axes[0, 0].hist(w.flatten(), bins=400, range=bornes, color="grey")
axes[0, 0].set_title("poids d'origine (fp32)")
axes[0, 1].hist(versions["int8 par tenseur (255 niveaux)"].flatten(), bins=400, range=bornes)
axes[0, 1].set_title("int8 par tenseur : des valeurs en peigne")
axes[1, 0].hist(versions["int4 par groupes de 64"].flatten(), bins=400, range=bornes, color="C2")
axes[1, 0].set_title("int4 par groupes de 64")
for nom, w_hat in versions.items():
    axes[1, 1].hist((w - w_hat).flatten(), bins=200, histtype="step", label=nom, log=True)
axes[1, 1].set_title("erreurs w − ŵ (échelle logarithmique)")
axes[1, 1].legend(fontsize=8)
for ax in axes.flat:
    ax.set_ylabel("nombre de poids")
for ax in (axes[0, 0], axes[0, 1], axes[1, 0]):
    ax.set_xlabel("valeur du poids")
axes[1, 1].set_xlabel("erreur")
fig.tight_layout()
french_ticks(fig)  # virgule décimale sur les axes

publish("int4_zeros", percent(float((versions["int4 par groupes de 64"] == 0).float().mean()), 0))
publish(
    "int8_zeros",
    percent(float((versions["int8 par tenseur (255 niveaux)"] == 0).float().mean()), 1),
)

zeros8 = float((versions["int8 par tenseur (255 niveaux)"] == 0).float().mean())
zeros4 = float((versions["int4 par groupes de 64"] == 0).float().mean())
claim(
    "int4_zeros_nombreux",
    zeros4 > 5 * zeros8,
    f"zéros exacts : {percent(zeros4, 1)} en int4, {percent(zeros8, 1)} en int8",
)
q4 = quantize_int4(w, 64)
demi_cran = (w - q4.dequantize()).reshape(-1, 64).abs() / (
    q4.scale.float()[:, None] / 2
)  # (groupes, 64)
claim(
    "erreurs_demi_cran",
    float(demi_cran.max()) <= 1 + 1e-6,
    f"|w − ŵ| / (s/2), au plus : {number(float(demi_cran.max()), 4)}",
)
