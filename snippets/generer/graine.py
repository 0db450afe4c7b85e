# Le même début, tiré plusieurs fois : des textes différents ; la même graine : le même texte.
import torch

from genai_docs.transformer import load_course_model
from genai_docs.transformer.decoding import decode, text_of
from genai_docs.transformer.sampling import Decoding
from genai_docs.values import claim, publish

modele, tokeniseur = load_course_model()
debut = torch.tensor([tokeniseur.encode("Omar a frappé un").ids])  # (1, T)


TIRAGE = Decoding(temperature=1.0)  # tirer dans la distribution du modèle, telle quelle


def suite(graine: int, reglage: Decoding = TIRAGE) -> str:
    ids = decode(modele, debut, 14, reglage, seed=graine).ids[0]  # 14 tokens de plus
    return text_of(tokeniseur, ids.tolist()).replace("\n", " ¶ ")  # ¶ : fin de paragraphe


# 1. Le modèle est déterministe : deux calculs des probabilités donnent les mêmes nombres.
with torch.no_grad():
    p1 = modele(debut)[0][0, -1].softmax(-1)
    p2 = modele(debut)[0][0, -1].softmax(-1)
print("Mêmes probabilités aux deux calculs :", "oui" if torch.equal(p1, p2) else "non")

# 2. Le hasard vient du tirage : une graine différente, un texte différent.
textes = {graine: suite(graine) for graine in (1, 2, 3)}
for graine, texte in textes.items():
    print(f"graine {graine} : {texte}")

# 3. La même graine redonne les mêmes nombres au hasard, donc le même texte.
encore = suite(1)
print(f"graine 1, encore : {encore}")

# 4. Le décodage glouton ne tire rien au sort : la graine n'y change rien.
gloutons = {suite(graine, Decoding(temperature=0.0)) for graine in (1, 2, 3)}
print("glouton, graines 1 à 3 :", "un seul texte" if len(gloutons) == 1 else "plusieurs textes")

publish("textes_differents", len(set(textes.values())))
claim("modele_deterministe", torch.equal(p1, p2), "les deux vecteurs de probabilités sont égaux")
claim("graines_differentes", len(set(textes.values())) == 3, "3 graines, 3 textes distincts")
claim("graine_repete", encore == textes[1], "graine 1 deux fois : textes identiques")
claim("glouton_sans_hasard", len(gloutons) == 1, "graines 1 à 3 : un seul texte glouton")
