# Choisir son modèle : entraîner à partir de zéro, ou adapter un modèle existant ?
# Ordres de grandeur calculés avec la règle « 6 N D » et le ratio de Chinchilla.
from genai_docs.compute import chinchilla_tokens, training_cost

TOKENS_ADAPTATION = 10e6  # un affinage sur 10 millions de tokens de données métier


def fr(x: float, decimales: int = 0) -> str:
    """Un nombre à la française : espace pour les milliers, virgule décimale."""
    return f"{x:,.{decimales}f}".replace(",", " ").replace(".", ",")


print(
    "| Modèle | Tokens de pré-entraînement | Pré-entraîner (GPU-heures) | Affiner (GPU-minutes) | Rapport |"
)
print("|---|---:|---:|---:|---:|")
for nom, n in [("125 M", 125e6), ("1 Md", 1e9), ("7 Md", 7e9), ("70 Md", 70e9)]:
    tokens = chinchilla_tokens(n)
    zero = training_cost(n, tokens)
    affiner = training_cost(n, TOKENS_ADAPTATION)
    rapport = zero.gpu_hours / affiner.gpu_hours
    print(
        f"| {nom} | {fr(tokens / 1e9, 1)} Md | {fr(zero.gpu_hours)} | {fr(affiner.gpu_hours * 60, 1)} | {fr(rapport)} × |"
    )
