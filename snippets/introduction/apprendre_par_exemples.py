# Apprendre à partir d'exemples : un classifieur qui n'a reçu aucune règle, seulement des
# exemples étiquetés (taille et masse d'animaux), et qui classe ensuite des cas nouveaux.
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(0)
# Exemples étiquetés par un humain : (hauteur au garrot en m, masse en tonnes).
elephants = rng.normal([3.0, 5.0], [0.3, 0.8], size=(20, 2))
girafes = rng.normal([3.3, 1.0], [0.3, 0.2], size=(20, 2))
hippopotames = rng.normal([1.5, 2.0], [0.15, 0.4], size=(20, 2))
exemples = {"éléphant": elephants, "girafe": girafes, "hippopotame": hippopotames}

# « Apprendre » : résumer chaque classe par la moyenne de ses exemples (plus proche centroïde).
centres = {nom: points.mean(axis=0) for nom, points in exemples.items()}


def classer(animal: np.ndarray) -> str:
    return min(centres, key=lambda nom: np.linalg.norm(animal - centres[nom]))


nouveaux = np.array([[2.9, 4.2], [3.5, 1.2], [1.4, 2.5], [2.4, 3.0]])
for animal in nouveaux:
    print(f"hauteur {animal[0]:.1f} m, masse {animal[1]:.1f} t  ->  {classer(animal)}")

justes = sum(classer(p) == nom for nom, points in exemples.items() for p in points)
print(f"\nExemples d'entraînement bien classés : {justes} sur {3 * 20}")

fig, ax = plt.subplots(figsize=(6.4, 4.2))
for (nom, points), couleur in zip(
    exemples.items(), ["tab:gray", "tab:orange", "tab:purple"], strict=True
):
    ax.scatter(*points.T, s=18, color=couleur, label=f"{nom} (exemples)")
    ax.scatter(*centres[nom], s=160, marker="X", color=couleur, edgecolor="black")
ax.scatter(*nouveaux.T, s=70, marker="*", color="black", label="animaux nouveaux")
ax.set_xlabel("hauteur au garrot (m)")
ax.set_ylabel("masse (t)")
ax.set_title("Classer par les exemples : chaque croix est la moyenne d'une classe")
ax.legend(fontsize=8)
fig.tight_layout()
