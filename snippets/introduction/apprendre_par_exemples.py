# Apprendre à partir d'exemples : un classifieur qui n'a reçu aucune règle, seulement des
# exemples étiquetés (hauteur et masse d'animaux). On le juge ensuite sur des animaux qu'il
# n'a jamais vus, mis de côté avant l'apprentissage : le jeu de test.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

from genai_docs.french import NBSP, number, percent
from genai_docs.values import claim, publish

rng = np.random.default_rng(3)
# 30 animaux mesurés par espèce et étiquetés par un humain : (hauteur au garrot en m, masse en t).
mesures = {
    "éléphant": rng.normal([3.0, 4.5], [0.35, 1.0], size=(30, 2)),
    "girafe": rng.normal([3.2, 1.2], [0.3, 0.3], size=(30, 2)),
    "hippopotame": rng.normal([1.5, 2.2], [0.15, 0.5], size=(30, 2)),
}
# Les 20 premiers de chaque espèce servent à apprendre ; les 10 autres, au test.
entrainement = {nom: m[:20] for nom, m in mesures.items()}
test = {nom: m[20:] for nom, m in mesures.items()}

# Normaliser : un écart d'une tonne ne doit pas peser plus qu'un écart d'un mètre. On centre
# et on réduit chaque mesure avec la moyenne et l'écart-type des seuls exemples d'entraînement.
tous = np.concatenate(list(entrainement.values()))
moyenne, ecart_type = tous.mean(axis=0), tous.std(axis=0)


def normaliser(x: np.ndarray) -> np.ndarray:
    return (x - moyenne) / ecart_type


# « Apprendre » : résumer chaque espèce par la moyenne de ses exemples (plus proche centroïde).
centres = {nom: normaliser(points).mean(axis=0) for nom, points in entrainement.items()}


def distances(animal: np.ndarray) -> dict[str, float]:
    return {nom: float(np.linalg.norm(normaliser(animal) - c)) for nom, c in centres.items()}


def classer(animal: np.ndarray) -> str:
    d = distances(animal)
    return min(d, key=d.get)


def bien_classes(jeu: dict[str, np.ndarray]) -> int:
    return sum(classer(p) == nom for nom, points in jeu.items() for p in points)


nouveaux = np.array([[2.9, 4.2], [3.5, 1.2], [1.4, 2.5], [2.4, 3.0]])
for i, animal in enumerate(nouveaux, start=1):
    hauteur, masse = number(animal[0], 1), number(animal[1], 1)
    print(f"animal {i} : hauteur {hauteur}{NBSP}m, masse {masse}{NBSP}t  →  {classer(animal)}")

n_entrainement = sum(len(p) for p in entrainement.values())
n_test = sum(len(p) for p in test.values())
justes_entrainement, justes_test = bien_classes(entrainement), bien_classes(test)
print(
    f"\nBien classés parmi les exemples d'entraînement : {justes_entrainement} sur {n_entrainement}"
)
print(f"Bien classés parmi les animaux du jeu de test  : {justes_test} sur {n_test}")

# Le quatrième animal : à quelle distance (en unités normalisées) du centre de chaque espèce ?
quatrieme = distances(nouveaux[3])
print("\nAnimal 4, distance au centre de chaque espèce (mesures normalisées) :")
for nom, d in sorted(quatrieme.items(), key=lambda item: item[1]):
    print(f"    {nom:<12} {number(d, 2)}")
brut = {
    nom: np.linalg.norm(nouveaux[3] - points.mean(axis=0)) for nom, points in entrainement.items()
}
classe_brute = min(brut, key=brut.get)
print(f"Sans normaliser les mesures, il serait classé : {classe_brute}")

publish("justes_entrainement", justes_entrainement)
publish("total_entrainement", n_entrainement)
publish("justes_test", justes_test)
publish("total_test", n_test)
publish("test_par_espece", n_test // len(test))
publish("classe_quatrieme", classer(nouveaux[3]))
publish("classe_quatrieme_brute", classe_brute)
publish("distance_elephant", quatrieme["éléphant"], 2)
publish("distance_hippopotame", quatrieme["hippopotame"], 2)

# Ce que la page dit de ces sorties, vérifié ici. Pour chaque animal nouveau : à quelle
# distance est le deuxième centre le plus proche, rapportée à celle du plus proche ?
rapports = [d[1] / d[0] for d in (sorted(distances(a).values()) for a in nouveaux)]
detail = "2e centre ÷ 1er centre : " + " ; ".join(number(r, 2) for r in rapports)
claim("trois_nettes", min(rapports[:3]) > 3, detail)
claim("de_justesse", rapports[3] < 1.1, detail)
claim(
    "normalisation_change_classe",
    classer(nouveaux[3]) != classe_brute,
    f"normalisé : {classer(nouveaux[3])} ; brut : {classe_brute}",
)
score_entrainement, score_test = justes_entrainement / n_entrainement, justes_test / n_test
claim(
    "scores_proches",
    abs(score_entrainement - score_test) < 0.05,
    f"{percent(score_entrainement)} sur l'entraînement, {percent(score_test)} sur le test",
)

fig, ax = plt.subplots(figsize=(6.4, 4.4))
couleurs = {"éléphant": "tab:gray", "girafe": "tab:orange", "hippopotame": "tab:purple"}
for nom, couleur in couleurs.items():
    ax.scatter(*entrainement[nom].T, s=18, color=couleur, label=f"{nom} (entraînement)")
    ax.scatter(*test[nom].T, s=22, facecolors="none", edgecolors=couleur, label=f"{nom} (test)")
    centre = entrainement[nom].mean(axis=0)  # le centre, en mètres et en tonnes
    ax.scatter(*centre, s=160, marker="X", color=couleur, edgecolor="black")
ax.scatter(*nouveaux.T, s=90, marker="*", color="black", label="animaux nouveaux")
for i, (x, y) in enumerate(nouveaux, start=1):
    ax.annotate(str(i), (x, y), textcoords="offset points", xytext=(6, 4))
graduation = FuncFormatter(lambda v, _: number(v, 1 if v % 1 else 0))  # virgule décimale
ax.xaxis.set_major_formatter(graduation)
ax.yaxis.set_major_formatter(graduation)
ax.set_xlabel("hauteur au garrot (m)")
ax.set_ylabel("masse (t)")
ax.set_title("Chaque croix est le centre d'une espèce ; les étoiles sont à classer")
ax.legend(fontsize=7, ncol=2)
fig.tight_layout()
