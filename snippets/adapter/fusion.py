# Fusionner l'adaptateur dans les poids : W' = W + B A, puis vérifier que rien n'a changé.
import torch

from genai_docs import french
from genai_docs.adapt import (
    ADAPT,
    encode_domain,
    finetune_runs,
    load_finetuned,
    merge_lora,
    run_record,
)
from genai_docs.values import claim, publish

modele, tokeniseur = load_finetuned(f"lora_{ADAPT.rank}")  # le modèle du cours + ses adaptateurs
avant = modele.num_parameters()
ids = encode_domain(tokeniseur, "valid")[: 8 * 64].view(8, 64)  # 8 passages mis de côté
with torch.no_grad():
    logits_adaptateurs = modele(ids)[0]  # (8, 64, V) : W x + B A x, deux chemins
    merge_lora(modele)  # chaque couche devient un nn.Linear ordinaire de poids W + B A
    logits_fusion = modele(ids)[0]  # (8, 64, V) : W' x, un seul produit

ecart = (logits_fusion - logits_adaptateurs).abs().max().item()
echelle = logits_adaptateurs.abs().max().item()
print(f"paramètres avec les adaptateurs : {french.number(avant)}")
print(f"paramètres après la fusion      : {french.number(modele.num_parameters())}")
print(f"écart maximal entre les logits  : {french.scientific(ecart, 2)} "
      f"(pour des logits allant jusqu'à {french.number(echelle, 1)})")  # fmt: skip
publish("ecart_fusion", french.scientific(ecart, 2))
publish("parametres_fusion", modele.num_parameters())
publish("parametres_avec_adaptateurs", avant)
du_cours = run_record()["runs"]["full"]["trainable"]  # tous les paramètres du modèle du cours
claim("fusion_meme_taille", modele.num_parameters() == du_cours,
      f"{french.number(modele.num_parameters())} = {french.number(du_cours)}")  # fmt: skip
dossier = finetune_runs()  # les fichiers des affinages : le modèle complet, chaque adaptateur
fichier_complet = (dossier / "full.safetensors").stat().st_size
fichier_lora = (dossier / f"lora_{ADAPT.rank}.safetensors").stat().st_size
print(f"\nfichier du modèle affiné en entier : {french.size(fichier_complet, 'Mo', 1)}")
print(f"fichier de l'adaptateur LoRA       : {french.size(fichier_lora, 'ko', 0)}")
publish("fichier_complet", french.size(fichier_complet, "Mo", 1))
publish("fichier_lora", french.size(fichier_lora, "ko", 0))
claim("adaptateur_leger", fichier_lora < 0.1 * fichier_complet,
      f"{french.size(fichier_lora, 'ko', 0)} < 10 % de {french.size(fichier_complet, 'Mo', 1)}")  # fmt: skip
claim("fusion_identique", ecart < 1e-4, f"écart maximal {french.scientific(ecart, 2)} < 10⁻⁴")
