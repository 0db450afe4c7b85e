# Avec quoi les exemples de ce site ont-ils été exécutés ?
import platform
from importlib import metadata

import torch

from genai_docs.values import publish

print("| Composant | Version |")
print("|---|---|")
print(f"| Python | {platform.python_version()} |")
for paquet in ["torch", "transformers", "tokenizers", "numpy", "matplotlib", "mkdocs"]:
    print(f"| {paquet} | {metadata.version(paquet)} |")
appareil = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU (pas de GPU)"
print(f"| Matériel de calcul | {appareil} |")

# Deux valeurs que la phrase sous le tableau cite : {{ version_python }} et {{ version_torch }}.
publish("version_python", platform.python_version())
publish("version_torch", metadata.version("torch"))
