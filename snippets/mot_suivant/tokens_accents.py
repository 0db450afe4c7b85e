# Ce que coûtent les accents : caractères, octets UTF-8 et tokens du tokeniseur du cours.
from genai_docs.transformer import COURSE_CONFIG, load_tokenizer, show_pieces
from genai_docs.values import publish

tokeniseur = load_tokenizer()  # BPE au niveau des octets, entraîné sur notre corpus
appris = tokeniseur.get_vocab_size()
publish("vocabulaire_appris", appris)
publish("vocabulaire_modele", COURSE_CONFIG.vocab_size)
publish("identifiants_libres", COURSE_CONFIG.vocab_size - appris)
print(f"Vocabulaire : {appris} tokens appris ; ␣ = espace, <C3> = un octet seul\n")
print(f"{'texte':<26} {'caractères':>10} {'octets':>6} {'tokens':>6}   découpage")
exemples = ["Omar a frappé un ballon", "Omar a frappe un ballon", " une fenêtre", " une fenetre",
            " Noël", " Noel", " où êtes-vous ?", " ou etes-vous ?"]  # fmt: skip
for texte in exemples:
    morceaux = show_pieces(tokeniseur, texte)
    octets = len(texte.encode("utf-8"))
    print(f"{texte!r:<26} {len(texte):>10} {octets:>6} {len(morceaux):>6}   {' | '.join(morceaux)}")
