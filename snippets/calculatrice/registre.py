# Le registre de la calculatrice, calculé à la construction du site : la forme exacte de
# chaque modèle connu dont nos formules estiment la mémoire (les décodeurs GPT-2 et Llama),
# construite par PyTorch sur le périphérique « meta », et la liste des fichiers de la
# bibliothèque que le navigateur charge. Le navigateur n'a pas PyTorch : il lit ce JSON,
# imprimé dans la page, au lieu de reconstruire les modèles.
import json
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import genai_docs
from genai_docs.memory import model_shape, registry_names

modeles = {}
for nom in registry_names():
    forme = model_shape(nom)
    if forme.family != "other":  # BERT et T5 : paramètres exacts, mémoire non estimée
        modeles[nom] = asdict(forme)

# Les modules que `import genai_docs.memory` charge, lus dans un Python neuf (celui-ci en a
# chargé d'autres) : PyTorch et transformers n'y sont importés qu'à l'intérieur des fonctions.
liste = "import sys, genai_docs.memory; print(*sorted(m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'genai_docs'))"
fichiers = subprocess.run([sys.executable, "-c", liste], capture_output=True, text=True, check=True)
racine = Path(genai_docs.__file__).resolve().parents[1]  # le dossier qui contient genai_docs/
modules = [Path(f).resolve().relative_to(racine).as_posix() for f in fichiers.stdout.split()]

registre = json.dumps({"modeles": modeles, "modules": modules}, separators=(",", ":"))
# Des lignes de 2 000 caractères environ (la page coupe les plus longues), coupées entre
# deux formes de tenseurs : le JSON ignore ces retours à la ligne.
registre = re.sub(r"(.{2000}.*?\],)(?=\[)", "\\1\n", registre)
print(f'<script type="application/json" id="registre-calculatrice">\n{registre}\n</script>')
