# Ce que coûtent les accents : caractères, octets UTF-8 et tokens du tokeniseur du cours.
from genai_docs.transformer import COURSE_CONFIG, corpus_text, load_tokenizer, show_pieces
from genai_docs.transformer.tokenizer import COURSE_VOCAB_SIZE
from genai_docs.values import claim, publish

tokeniseur = load_tokenizer()  # BPE au niveau des octets, entraîné sur notre corpus
appris = tokeniseur.get_vocab_size()
publish("vocabulaire_appris", appris)
publish("vocabulaire_modele", COURSE_CONFIG.vocab_size)
publish("identifiants_libres", COURSE_CONFIG.vocab_size - appris)
# On lui a permis jusqu'à COURSE_VOCAB_SIZE tokens : il s'est arrêté avant, faute de paires à fusionner.
claim("corpus_sature", appris < COURSE_VOCAB_SIZE, f"{appris} appris < {COURSE_VOCAB_SIZE} permis")
print(f"Vocabulaire : {appris} tokens appris ; ␣ = espace, <C3> = un octet seul\n")
print(f"{'texte':<26} {'caractères':>10} {'octets':>6} {'tokens':>6}   découpage")
exemples = ["Omar a frappé un ballon", "Omar a frappe un ballon", " une fenêtre", " une fenetre",
            " Noël", " Noel", " où êtes-vous ?", " ou etes-vous ?"]  # fmt: skip
for texte in exemples:
    morceaux = show_pieces(tokeniseur, texte)
    octets = len(texte.encode("utf-8"))
    print(f"{texte!r:<26} {len(texte):>10} {octets:>6} {len(morceaux):>6}   {' | '.join(morceaux)}")

# Les constats du texte, vérifiés sur ce découpage et sur le corpus.
un_seul = {mot: len(show_pieces(tokeniseur, mot)) for mot in [" frappé", " fenêtre"]}
sans_accent = {mot: len(show_pieces(tokeniseur, mot)) for mot in [" frappe", " fenetre"]}
claim(
    "accents_fusionnes",
    set(un_seul.values()) == {1} and min(sans_accent.values()) > 1,
    "tokens : " + ", ".join(f"« {m.strip()} » {n}" for m, n in (un_seul | sans_accent).items()),
)
texte = corpus_text("train")
absents = [mot for mot in ["Noël", "où"] if mot in texte]
octets_seuls = [m for m in show_pieces(tokeniseur, " Noël") if m.startswith("<")]
claim(
    "absents_en_octets",
    not absents and len(octets_seuls) > 0,
    f"« Noël » et « où » absents du corpus ; « Noël » garde {len(octets_seuls)} octet(s) seul(s)",
)
