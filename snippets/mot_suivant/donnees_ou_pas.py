# Plus de données ou plus de pas ? Le même petit GPT, entraîné le même nombre de pas sur les
# premiers 1 %, les premiers 10 % et la totalité du corpus d'entraînement.
import math

import matplotlib.pyplot as plt

from genai_docs import french
from genai_docs.transformer import (
    COURSE_CONFIG,
    DATA_SIZE_CONFIG,
    DATA_SIZE_TRAIN,
    GPT,
    data_size_record,
)
from genai_docs.values import claim, publish

cfg = DATA_SIZE_TRAIN
record = data_size_record()  # les trois entraînements, faits une fois et gardés en cache
lus = cfg.steps * cfg.batch_size * cfg.seq_len  # les mêmes pour les trois
print(f"Trois modèles identiques, {cfg.steps} pas de {cfg.batch_size} passages de "
      f"{cfg.seq_len} tokens : {french.number(lus)} tokens lus chacun.\n")  # fmt: skip
print("| corpus lu | tokens | lectures de chaque passage | perplexité sur le texte lu par tous "
      "| perplexité sur les paragraphes réservés | au mieux (pas) |")  # fmt: skip
print("|---|---:|---:|---:|---:|---:|")
fin = {}
for run in record["arms"]:
    courbe = run["curve"]
    meilleur = min(courbe, key=lambda point: point["valid_loss"])
    fin[run["fraction"]] = f = {
        "lu": math.exp(courbe[-1]["train_loss"]),  # sur les premiers 1 %, que tous ont lus
        "reserve": math.exp(courbe[-1]["valid_loss"]),
        "meilleur": math.exp(meilleur["valid_loss"]),
    }
    print(f"| {french.percent(run['fraction'], 0)} | {french.number(run['tokens'])} "
          f"| {french.number(lus / run['tokens'], 1)} | {french.number(f['lu'], 2)} "
          f"| {french.number(f['reserve'], 2)} "
          f"| {french.number(f['meilleur'], 2)} ({meilleur['step']}) |")  # fmt: skip

fig, ax = plt.subplots(figsize=(7, 4), constrained_layout=True)
for run, couleur in zip(record["arms"], ["tab:red", "tab:orange", "tab:blue"], strict=True):
    pas = [p["step"] for p in run["curve"]][1:]  # sans le pas 0 (perplexité du hasard)
    nom = f"{french.percent(run['fraction'], 0)} du corpus"
    ax.plot(pas, [math.exp(p["valid_loss"]) for p in run["curve"]][1:], color=couleur,
            label=f"{nom} : paragraphes réservés")  # fmt: skip
    ax.plot(pas, [math.exp(p["train_loss"]) for p in run["curve"]][1:], color=couleur, ls="--",
            label=f"{nom} : texte lu par tous")  # fmt: skip
ax.set_yscale("log")
ax.set_xlabel("pas d'entraînement")
ax.set_ylabel("perplexité (échelle log)")
ax.set_title("À pas égal, un petit corpus est appris par cœur")
ax.legend(fontsize=8)

# Les chiffres et les constats du texte.
petit, moyen, tout = (fin[f] for f in sorted(fin))
for nom, f in (("petit", petit), ("moyen", moyen), ("tout", tout)):
    publish(f"{nom}_lu", f["lu"], 2)
    publish(f"{nom}_reserve", f["reserve"], 2)
publish("petit_meilleur", petit["meilleur"], 1)
publish("lectures_petit", lus / record["arms"][0]["tokens"], 0)
publish("lectures_moyen", lus / record["arms"][1]["tokens"], 0)
publish("lectures_tout", lus / record["arms"][-1]["tokens"], 1)
n_petit, n_cours = GPT(DATA_SIZE_CONFIG).num_parameters(), GPT(COURSE_CONFIG).num_parameters()
publish("petits_parametres", n_petit)
departs = {round(run["curve"][0]["valid_loss"], 6) for run in record["arms"]}
claim(
    "memes_bras",
    len(departs) == 1,
    f"perte réservée au pas 0 : {' ; '.join(french.number(d, 4) for d in sorted(departs))}",
)
claim(
    "bras_petits",
    n_petit < n_cours / 3,
    f"{french.number(n_petit)} paramètres contre {french.number(n_cours)}",
)
claim(
    "petit_connait",
    petit["lu"] < tout["lu"],
    f"1 % : {french.number(petit['lu'], 2)} ; 100 % : {french.number(tout['lu'], 2)}",
)
claim(
    "petit_generalise_moins",
    petit["reserve"] > 1.5 * tout["reserve"],
    f"1 % : {french.number(petit['reserve'], 2)} ; 100 % : {french.number(tout['reserve'], 2)}",
)
claim(
    "petit_remonte",
    petit["reserve"] > 1.05 * petit["meilleur"],
    f"1 % : {french.number(petit['meilleur'], 2)} au mieux, "
    f"{french.number(petit['reserve'], 2)} à la fin",
)
claim(
    "plus_de_donnees_mieux",
    petit["reserve"] > moyen["reserve"] > tout["reserve"],
    f"perplexité réservée : {french.number(petit['reserve'], 2)} > "
    f"{french.number(moyen['reserve'], 2)} > {french.number(tout['reserve'], 2)}",
)
