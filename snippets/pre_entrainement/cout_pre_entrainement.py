# Combien coûte un pré-entraînement ? La règle C ≈ 6·N·D (Kaplan et al., 2020) :
# environ 6 opérations par paramètre et par token vu (2 en avant, 4 pour la rétropropagation).
# Les chiffres publiés viennent des articles et fiches de modèles cités sous le tableau.
from genai_docs.compute import training_flops
from genai_docs.pretraining import FamilyConfig, build_course_vocab, build_model, count_parameters

H100_FLOPS = 400e12  # hypothèse : un H100 soutient ~400 TFLOP/s en bf16 (~40 % de sa crête)
SECONDES_PAR_AN = 365.25 * 24 * 3600

mini_gpt = count_parameters(build_model("gpt", FamilyConfig.for_vocab(build_course_vocab())))

# (modèle, N paramètres, D tokens d'entraînement, chiffre publié)
modeles = [
    ("Notre GPT miniature, sur 1 million de tokens", mini_gpt, 1e6, "—"),
    ("GPT-3 (2020)", 175e9, 300e9, "3,14 × 10²³ FLOP [1]"),
    ("BLOOM (2022)", 176e9, 366e9, "1 082 990 heures GPU A100 ; 2 à 5 M$ [2]"),
    ("Llama 2 70B (2023)", 70e9, 2e12, "1 720 320 heures GPU A100 [3]"),
    ("Llama 3.1 405B (2024)", 405e9, 15.6e12, "3,8 × 10²⁵ FLOP ; 30,84 M heures GPU H100 [4]"),
]


def grand(x):
    """175e9 -> « 175 milliards », écrit à la française."""
    for seuil, mot in [(1e9, "milliards"), (1e6, "millions")]:
        if x >= seuil:
            texte = f"{x / seuil:,.0f}".replace(",", "\u202f")
            return f"{texte} {mot if x >= 2 * seuil else mot[:-1]}"
    return f"{x:,.0f}".replace(",", "\u202f")


def puissance(x):
    """3.15e+23 -> « 3,15 × 10²³ »."""
    mantisse, exposant = f"{x:.2e}".split("e")
    chiffres = str(int(exposant)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantisse.replace('.', ',')} × 10{chiffres}"


def duree(secondes):
    if secondes < 60:
        return "moins d'une minute"
    if secondes < SECONDES_PAR_AN:
        return f"{secondes / 86400:.0f} jours".replace(".", ",")
    return f"{secondes / SECONDES_PAR_AN:,.0f} ans".replace(",", "\u202f")


print("| Modèle | Paramètres N | Tokens D | C = 6·N·D (FLOP) | Sur un seul H100 | Chiffre publié |")
print("|---|--:|--:|--:|--:|---|")
for nom, n, d, publie in modeles:
    c = training_flops(n, d)
    print(
        f"| {nom} | {grand(n)} | {grand(d)} | {puissance(c)} | {duree(c / H100_FLOPS)} | {publie} |"
    )
