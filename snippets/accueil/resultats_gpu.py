# Les résultats GPU du cours : chaque jeu de mesures, où et quand il a été enregistré, et
# s'il est à jour (le code qui l'a mesuré n'a pas changé depuis). Calculé à chaque
# construction depuis frozen/ (voir genai_docs/measurements.py).
from genai_docs.measurements import all_datasets
from genai_docs.values import publish

PAGES = {
    "memoire": "[Mémoire](memoire.md) : pics mesurés contre prédits",
    "debit_matmul": "[Quantification](quantification.md) : débit des produits de matrices",
    "precision_mixte": "[Quantification](quantification.md) : vitesse de la précision mixte",
    "decodage_quantifie": "[Quantification](quantification.md) : décodage avec poids quantifiés",
    "rnn_transformer": "[Les transformers](transformateurs.md) : temps d'un pas, LSTM contre transformer",
}
jeux = all_datasets()
print("| résultat | GPU | date | état |")
print("| --- | --- | --- | --- |")
for nom, jeu in jeux.items():
    if jeu is None:
        etat, gpu, date = "pas encore mesuré", "—", "—"
    else:
        etat = "périmé (code de mesure modifié depuis)" if jeu.stale else "à jour"
        gpu, date = jeu.provenance.get("gpu", "?"), jeu.provenance.get("date", "?")
    print(f"| {PAGES.get(nom, nom)} | {gpu} | {date} | {etat} |")
enregistres = [j for j in jeux.values() if j is not None]
publish("gpu_jeux", len(jeux))
publish("gpu_enregistres", len(enregistres))
publish("gpu_a_jour", sum(not j.stale for j in enregistres))
