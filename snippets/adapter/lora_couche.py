# Une couche LoRA : la matrice W gelée, et à côté B A, de rang r, seule entraînée.
import torch
from torch import nn

from genai_docs import french
from genai_docs.adapt import LoRALinear
from genai_docs.values import claim, publish

couche = nn.Linear(512, 128)  # comme la 2e matrice du MLP du mini-GPT : d_in = 512, d_out = 128
# LoRA gèle W et b, et ajoute A (8 × 512), tirée au hasard, et B (128 × 8), nulle au départ
lora = LoRALinear(couche, rank=8)

geles = sum(p.numel() for p in lora.parameters() if not p.requires_grad)
entraines = sum(p.numel() for p in lora.parameters() if p.requires_grad)
formule = 8 * (512 + 128)  # r · (d_in + d_out)
print(f"paramètres gelés (W et b)     : {french.number(geles):>7}")
print(f"paramètres entraînés (A et B) : {french.number(entraines):>7}  (r · (d_in + d_out) = "
      f"{french.number(formule)})")  # fmt: skip
publish("couche_gelee", geles)
publish("couche_lora", entraines)
publish("couche_part", french.percent(entraines / geles, 1))
claim(
    "formule_lora",
    entraines == formule,
    f"{french.number(entraines)} = 8 · (512 + 128) = {french.number(formule)}",
)

x = torch.randn(4, 512)  # quatre vecteurs d'entrée
ecart = (lora(x) - couche(x)).abs().max().item()
print(
    f"\nécart maximal avec la couche d'origine, avant tout entraînement : {french.number(ecart, 1)}"
)
claim("depart_exact", ecart == 0.0, f"écart maximal = {french.number(ecart, 1)}")
