# Le registre de la calculatrice, calculé à la construction du site : la forme exacte de
# chaque modèle connu dont nos formules estiment la mémoire (les décodeurs GPT-2, Llama,
# Mistral, Mixtral, Qwen2-MoE), calculée sans PyTorch, les « réglages de la leçon » qui
# retrouvent les chiffres de la leçon Mémoire, et la liste des fichiers de la
# bibliothèque que le navigateur charge. Le navigateur lit ce JSON, imprimé dans la page.
import json
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import genai_docs
from genai_docs.memory import model_shape, registry_names
from genai_docs.memory.configs import FORMULA_TYPES
from genai_docs.memory.presets import LESSON_PRESETS
from genai_docs.memory.registry import registry_dict

modeles = {}
for nom in registry_names():
    # BERT et T5 : ni formule de forme, ni estimation de mémoire (et PyTorch n'est pas chargé)
    if registry_dict(nom)["model_type"] in FORMULA_TYPES:
        modeles[nom] = asdict(model_shape(nom))

# Les modules que le calcul de la page (calcul.py) charge, lus dans un Python neuf (celui-ci
# en a chargé d'autres) : PyTorch et transformers n'y sont importés qu'à l'intérieur des
# fonctions.
dossier = Path(__file__).resolve().parent
liste = f"import sys; sys.path.insert(0, {str(dossier)!r}); import calcul; print(*sorted(m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'genai_docs'))"
fichiers = subprocess.run([sys.executable, "-c", liste], capture_output=True, text=True, check=True)
racine = Path(genai_docs.__file__).resolve().parents[1]  # le dossier qui contient genai_docs/
modules = [Path(f).resolve().relative_to(racine).as_posix() for f in fichiers.stdout.split()]

reglages = {nom: champs for nom, (_, champs) in LESSON_PRESETS.items()}
registre = {"modeles": modeles, "reglages": reglages, "modules": modules}
registre = json.dumps(registre, separators=(",", ":"), ensure_ascii=False)
# Des lignes de 2 000 caractères environ (la page coupe les plus longues), coupées entre
# deux formes de tenseurs : le JSON ignore ces retours à la ligne.
registre = re.sub(r"(.{2000}.*?\],)(?=\[)", "\\1\n", registre)
print(f'<script type="application/json" id="registre-calculatrice">\n{registre}\n</script>')
