# Les trois familles, construites en miniature avec des poids aléatoires (rien n'est téléchargé).
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from genai_docs.french import number, percent
from genai_docs.pretraining import FamilyConfig, build_course_vocab, build_model, count_parameters
from genai_docs.values import claim, publish

vocab = build_course_vocab()  # vocabulaire jouet : un token par mot
config = FamilyConfig.for_vocab(vocab, d_model=64, n_layer=2, n_head=4, d_ff=256)


familles = {
    "bert": ("Autoencodeur", "BERT", "encodeur", "bidirectionnelle", "langage masqué"),
    "gpt": ("Autorégressif", "GPT-2", "décodeur", "causale", "langage causal"),
    "t5": (
        "Séquence à séquence",
        "T5",
        "encodeur + décodeur",
        "les deux + croisée",
        "segments corrompus",
    ),
}
n_gpt = count_parameters(build_model("gpt", config))
publish("taille_vocabulaire", len(vocab))

print(
    f"Vocabulaire de {number(len(vocab))} tokens, d_model = {config.d_model}, "
    f"{config.n_layer} blocs par pile, {config.n_head} têtes, d_ff = {config.d_ff}.\n"
)
print(
    "| Famille | Modèle type | Classe `transformers` | Piles | Attention | Objectif | Paramètres | ÷ GPT |"
)
print("|---|---|---|---|---|---|--:|--:|")
comptes = {}  # famille -> nombre de paramètres
for famille, (nom, exemple, piles, attention, objectif) in familles.items():
    modele = build_model(famille, config)
    n = comptes[famille] = count_parameters(modele)
    print(
        f"| {nom} | {exemple} | `{type(modele).__name__}` | {piles} | {attention} "
        f"| {objectif} | {number(n)} | {number(n / n_gpt, 2)} |"
    )
    publish(f"parametres_{famille}", n)
    publish(f"rapport_{famille}", n / n_gpt, 2)


# Le même nombre pour GPT-2, retrouvé à la main à partir de la configuration.
def formule_gpt2(V, P, d, f, L):
    return V * d + P * d + L * (4 * d * d + 2 * d * f + 9 * d + f) + 2 * d


formule = formule_gpt2(len(vocab), config.seq_len, config.d_model, config.d_ff, config.n_layer)
print(
    f"\nGPT-2 miniature par la formule : {number(formule)} paramètres "
    f"({'identique' if formule == n_gpt else 'différent'} au comptage)."
)

# La même formule pour le vrai GPT-2 (le plus petit, publié en 2019), construit sans poids
# sur le périphérique « meta » : rien n'est téléchargé ni alloué.
with torch.device("meta"):
    vrai = GPT2LMHeadModel(GPT2Config())  # V = 50 257, P = 1 024, d = 768, f = 3 072, L = 12
c = vrai.config
d, f = c.n_embd, 4 * c.n_embd  # GPT-2 élargit son réseau feed-forward d'un facteur 4
formule_vrai = formule_gpt2(c.vocab_size, c.n_positions, d, f, c.n_layer)
n_vrai = count_parameters(vrai)
print(
    f"GPT-2 (le vrai) par la formule : {number(formule_vrai)} paramètres ; "
    f"comptés par PyTorch : {number(n_vrai)}."
)
publish("bloc_gpt2", 4 * d * d + 2 * d * f + 9 * d + f)
publish("parametres_gpt2", n_vrai)
publish("blocs_gpt2", c.n_layer)
publish("part_embeddings_gpt2", percent((c.vocab_size + c.n_positions) * d / n_vrai, 0))

# Ce que la page dit de ces comptes, vérifié ici.
rapport_bert, rapport_t5 = comptes["bert"] / n_gpt, comptes["t5"] / n_gpt
claim("bert_presque_gpt", abs(rapport_bert - 1) < 0.1, f"BERT ÷ GPT-2 = {number(rapport_bert, 2)}")
claim("t5_environ_double", 1.8 < rapport_t5 < 2.5, f"T5 ÷ GPT-2 = {number(rapport_t5, 2)}")
claim(
    "formule_exacte",
    formule == n_gpt and formule_vrai == n_vrai,
    f"formule = comptage : {number(formule)} (jouet), {number(formule_vrai)} (vrai GPT-2)",
)
claim(
    "jouets_bien_plus_petits",
    n_vrai > 100 * n_gpt,
    f"le vrai GPT-2 a {number(n_vrai / n_gpt)} fois plus de paramètres que le GPT-2 jouet",
)
