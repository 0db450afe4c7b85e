# Les trois familles, construites en miniature avec des poids aléatoires (rien n'est téléchargé).
from genai_docs.pretraining import FamilyConfig, build_course_vocab, build_model, count_parameters

vocab = build_course_vocab()  # vocabulaire jouet : un token par mot
config = FamilyConfig.for_vocab(vocab, d_model=64, n_layer=2, n_head=4, d_ff=256)


def fr(x, decimales=0):
    """Écrit un nombre à la française : espace fine pour les milliers, virgule décimale."""
    return f"{x:,.{decimales}f}".replace(",", "\u202f").replace(".", ",")


familles = {
    "bert": ("Auto-encodeur", "BERT", "encodeur", "bidirectionnelle", "langage masqué"),
    "gpt": ("Autorégressif", "GPT-2", "décodeur", "causale", "langage causal"),
    "t5": (
        "Séquence-à-séquence",
        "T5",
        "encodeur + décodeur",
        "les deux + croisée",
        "spans corrompus",
    ),
}
n_gpt = count_parameters(build_model("gpt", config))

print(
    f"Vocabulaire de {len(vocab)} tokens, d_model = {config.d_model}, "
    f"{config.n_layer} blocs par pile, {config.n_head} têtes, d_ff = {config.d_ff}.\n"
)
print(
    "| Famille | Modèle type | Classe `transformers` | Piles | Attention | Objectif | Paramètres | ÷ GPT |"
)
print("|---|---|---|---|---|---|--:|--:|")
for famille, (nom, exemple, piles, attention, objectif) in familles.items():
    modele = build_model(famille, config)
    n = count_parameters(modele)
    print(
        f"| {nom} | {exemple} | `{type(modele).__name__}` | {piles} | {attention} "
        f"| {objectif} | {fr(n)} | {fr(n / n_gpt, 2)} |"
    )

# Le même nombre pour GPT-2, retrouvé à la main à partir de la configuration.
V, P, d, f, L = len(vocab), config.seq_len, config.d_model, config.d_ff, config.n_layer
formule = V * d + P * d + L * (4 * d * d + 2 * d * f + 9 * d + f) + 2 * d
print(
    f"\nGPT-2 par la formule : {fr(formule)} paramètres "
    f"({'identique' if formule == n_gpt else 'différent'} au comptage)."
)
