# Pourquoi LoRA apprend moins ici : des tokens que le modèle n'a presque jamais eu à prédire.
from collections import Counter

from genai_docs import french
from genai_docs.adapt import ADAPT, encode_domain, run_record
from genai_docs.transformer import encode_split, load_tokenizer
from genai_docs.values import claim, publish

tokeniseur = load_tokenizer()
cours = Counter(encode_split(tokeniseur, "train").tolist())  # chaque token du corpus du cours
espace = Counter(encode_domain(tokeniseur, "train").tolist())  # et du nouveau domaine
rares = [t for t in espace if cours[t] < 10]  # moins de 10 fois dans tout le corpus du cours
part = sum(espace[t] for t in rares) / espace.total()
print(f"{len(rares)} des {len(espace)} tokens du nouveau domaine apparaissent moins de 10 fois "
      f"dans le corpus du cours ; ils font {french.percent(part, 0)} de son texte.\n")  # fmt: skip
publish("tokens_rares", len(rares))
publish("tokens_espace", len(espace))
publish("part_tokens_rares", french.percent(part, 0))

runs = run_record()["runs"]
lora, tete = runs[f"lora_{ADAPT.rank}"], runs["lora_head"]
print(f"| LoRA, r = {ADAPT.rank} | paramètres entraînés | perplexité, espace | perplexité, cours |")
print("| --- | ---: | ---: | ---: |")
for titre, run in (("attention et MLP", lora), ("attention, MLP et tête de sortie", tete)):
    print(f"| {titre} | {french.number(run['trainable'])} | {french.number(run['domain'], 1)} "
          f"| {french.number(run['course'], 2)} |")  # fmt: skip
publish("tete_en_plus", tete["trainable"] - lora["trainable"])
publish("espace_tete", tete["domain"], 1)
publish("cours_tete", tete["course"], 2)
gain = lora["domain"] / tete["domain"]
publish("gain_tete", gain, 1)
claim("tete_aide", gain > 2, f"perplexité divisée par {french.number(gain, 1)} > 2")
claim("tete_oublie_plus", tete["course"] > lora["course"],
      f"{french.number(tete['course'], 2)} > {french.number(lora['course'], 2)}")  # fmt: skip
claim("tete_proche_complet", tete["domain"] < 2 * runs["full"]["domain"],
      f"{french.number(tete['domain'], 1)} < 2 × {french.number(runs['full']['domain'], 1)}")  # fmt: skip
