# Des états cachés avec 4 colonnes « aberrantes » (≈ ±60) parmi 256, comme ceux que décrit
# LLM.int8() ; les autres valeurs suivent une loi normale centrée réduite.
import torch

from genai_docs.french import number, percent
from genai_docs.quantization import (
    decompose_outliers,
    int8_matmul,
    llm_int8_matmul,
    outlier_activations,
    outlier_columns,
    quantize_absmax,
    snr_db,
)
from genai_docs.values import claim, publish

x = outlier_activations(n_tokens=64, n_features=256, n_outliers=4, magnitude=60.0)  # (64, 256)
w = torch.randn(256, 128, generator=torch.Generator().manual_seed(1)) * 0.05  # (256, 128)
reference = x @ w  # (64, 128), en fp32

aberrantes = outlier_columns(x, threshold=6.0)
ordinaires = torch.ones(x.shape[1], dtype=torch.bool)
ordinaires[aberrantes] = False

par_tenseur = quantize_absmax(x, "tensor").dequantize()
par_ligne = quantize_absmax(x, "channel").dequantize()  # une échelle par ligne
decompose, _ = decompose_outliers(x, threshold=6.0)


def erreur_produit(y: torch.Tensor) -> float:
    return float((y - reference).norm() / reference.norm())


lignes = [
    ("int8 absmax, une échelle pour tout X", par_tenseur, int8_matmul(x, w, "tensor")),
    (
        "int8 vectoriel : une échelle par ligne de X (par *token*), par colonne de W",
        par_ligne,
        int8_matmul(x, w),
    ),
    (
        f"LLM.int8() : {len(aberrantes)} colonnes en fp16, le reste en int8",
        decompose,
        llm_int8_matmul(x, w),
    ),
]
print(
    "| méthode | valeurs ordinaires arrondies à 0 | SNR des valeurs ordinaires | erreur relative de X W |"
)
print("| --- | ---: | ---: | ---: |")
for nom, x_hat, produit in lignes:
    zeros = percent(float((x_hat[:, ordinaires] == 0).float().mean()))
    snr = f"{number(snr_db(x[:, ordinaires], x_hat[:, ordinaires]), 1)} dB"
    print(f"| {nom} | {zeros} | {snr} | {percent(erreur_produit(produit), 2)} |")

echelle = float(quantize_absmax(x, "tensor").scale)
publish("aberrantes_nombre", len(aberrantes))
publish("aberrantes_pas", echelle, 2)
publish("aberrantes_zeros", percent(float((par_tenseur[:, ordinaires] == 0).float().mean())))
publish(
    "aberrantes_zeros_decompose", percent(float((decompose[:, ordinaires] == 0).float().mean()))
)
publish("aberrantes_snr_tenseur", snr_db(x[:, ordinaires], par_tenseur[:, ordinaires]), 1)
publish("aberrantes_snr_decompose", snr_db(x[:, ordinaires], decompose[:, ordinaires]), 1)
publish("aberrantes_erreur_tenseur", percent(erreur_produit(int8_matmul(x, w, "tensor")), 2))
publish("aberrantes_erreur_vectoriel", percent(erreur_produit(int8_matmul(x, w)), 2))
publish("aberrantes_erreur_decompose", percent(erreur_produit(llm_int8_matmul(x, w)), 2))

e_tenseur, e_ligne, e_decompose = (erreur_produit(p) for _, _, p in lignes)
claim(
    "par_token_naide_pas",
    e_ligne > 0.5 * e_tenseur and e_decompose < e_ligne / 10,
    f"erreur du produit : {percent(e_tenseur, 2)} par tenseur, {percent(e_ligne, 2)} par token, "
    f"{percent(e_decompose, 2)} avec la décomposition",
)
