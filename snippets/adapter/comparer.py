# Affiner le modèle du cours sur les missions spatiales : tous les poids, ou LoRA (rang 8).
from genai_docs import french
from genai_docs.adapt import (
    ADAPT,
    add_lora,
    course_shape,
    measured_peak,
    predicted_peak,
    run_record,
)
from genai_docs.memory import lora_params
from genai_docs.transformer import COURSE_CONFIG, COURSE_TRAIN, load_course_model
from genai_docs.values import claim, publish

runs = run_record()["runs"]  # les affinages, faits une fois par construction du site, en cache
avant, complet, lora = runs["base"], runs["full"], runs[f"lora_{ADAPT.rank}"]
B, T = ADAPT.batch_size, ADAPT.seq_len

prevu, mesure = {}, {}  # mémoire d'un pas d'entraînement : calculatrice, MemTracker
for nom, rang in (("complet", 0), ("lora", ADAPT.rank)):
    modele, _ = load_course_model()
    if rang:
        add_lora(modele, rang)  # adaptateurs sur l'attention et le MLP ; le reste est gelé
    prevu[nom] = predicted_peak(B, T, lora_rank=rang).total_bytes
    mesure[nom] = measured_peak(modele, B, T)

print(
    "| | paramètres entraînés | pic prédit | pic mesuré | perplexité, espace | perplexité, cours |"
)
print("| --- | ---: | ---: | ---: | ---: | ---: |")
print(f"| avant affinage | | | | {french.number(avant['domain'])} | "
      f"{french.number(avant['course'], 2)} |")  # fmt: skip
for nom, titre, run in (
    ("complet", "affinage complet", complet),
    ("lora", f"LoRA, r = {ADAPT.rank}", lora),
):
    part = french.percent(run["trainable"] / complet["trainable"], 1)
    print(f"| {titre} | {french.number(run['trainable'])} ({part}) | "
          f"{french.size(prevu[nom], 'Mo', 1)} | {french.size(mesure[nom]['peak'], 'Mo', 1)} | "
          f"{french.number(run['domain'], 1)} | {french.number(run['course'], 2)} |")  # fmt: skip


# Ce que cite le texte de la page, et ce qu'il affirme, vérifié sur ces résultats.
def deux_chiffres(x: float) -> str:  # 43 627 -> « 44 000 »
    return french.number(float(f"{x:.2g}"))


publish("rang", ADAPT.rank)
publish("pas_affinage", ADAPT.steps)
publish("passages_affinage", B)
publish("longueur_affinage", T)
publish("tokens_affinage", ADAPT.steps * B * T)
publish("pas_cours", COURSE_TRAIN.steps)
publish("tokens_cours", COURSE_TRAIN.steps * COURSE_TRAIN.batch_size * COURSE_TRAIN.seq_len)
publish("lr_complet", french.scientific(ADAPT.full_lr, 1))
publish("lr_lora", french.scientific(ADAPT.lora_lr, 1))
publish("lora_calculatrice", lora_params(course_shape(), ADAPT.rank, "all"))  # attention et MLP
publish("lora_attention", lora_params(course_shape(), ADAPT.rank))  # l'attention seule
publish("perplexite_espace_avant", avant["domain"])
publish("perplexite_cours_avant", avant["course"], 2)
publish("vocabulaire", COURSE_CONFIG.vocab_size)
publish("part_lora", french.percent(lora["trainable"] / complet["trainable"], 1))
publish("lora_entraines", lora["trainable"])
claim("pire_que_le_hasard", avant["domain"] > COURSE_CONFIG.vocab_size,
      f"{french.number(avant['domain'])} > {COURSE_CONFIG.vocab_size}")  # fmt: skip
appris, oubli, mo = {}, {}, lambda octets: french.size(octets, "Mo", 1)
for nom, run in (("complet", complet), ("lora", lora)):
    appris[nom], oubli[nom] = avant["domain"] / run["domain"], run["course"] / avant["course"]
    publish(f"perplexite_espace_{nom}", run["domain"], 1)
    publish(f"perplexite_cours_{nom}", run["course"], 2)
    publish(f"division_{nom}", deux_chiffres(appris[nom]))
    publish(f"oubli_{nom}", oubli[nom], 1)
    publish(f"pic_prevu_{nom}", mo(prevu[nom]))
    publish(f"pic_mesure_{nom}", mo(mesure[nom]["peak"]))
    publish(f"activations_{nom}", mo(mesure[nom]["parts"]["act"]))
    publish(f"adamw_{nom}", mo(mesure[nom]["parts"]["opt"]))
    claim(f"apprend_{nom}", appris[nom] > 1000, f"divisée par {french.number(appris[nom])} > 1 000")
    claim(f"oublie_{nom}", oubli[nom] > 1.5, f"multipliée par {french.number(oubli[nom], 2)} > 1,5")
ecarts = [mesure[n]["peak"] / prevu[n] - 1 for n in prevu]
claim("prediction_juste", max(map(abs, ecarts)) < 0.1,
      "écarts mesure/prédiction : " + " ; ".join(french.percent(e, 1) for e in ecarts))  # fmt: skip
claim("complet_apprend_plus", complet["domain"] < lora["domain"] / 2,
      f"{french.number(complet['domain'], 1)} < {french.number(lora['domain'], 1)} / 2")  # fmt: skip
rapport = oubli["complet"] / oubli["lora"]
claim(
    "oubli_comparable", 2 / 3 < rapport < 3 / 2, f"rapport des oublis {french.number(rapport, 2)}"
)
compte = lora_params(course_shape(), ADAPT.rank, "all")
claim("calculatrice_compte_juste", compte == lora["trainable"],
      f"{french.number(compte)} = {french.number(lora['trainable'])}")  # fmt: skip
economie = 1 - mesure["lora"]["peak"] / mesure["complet"]["peak"]
publish("economie_lora", french.percent(economie, 0))
claim("lora_moins_de_memoire", economie > 0.15, f"{french.percent(economie, 1)} de moins > 15 %")
act = mesure["lora"]["parts"]["act"] / mesure["complet"]["parts"]["act"]
claim(
    "activations_inchangees",
    abs(act - 1) < 0.05,
    f"rapport des activations {french.number(act, 3)}",
)
part_act = mesure["lora"]["parts"]["act"] / mesure["lora"]["peak"]
publish("part_activations_lora", french.percent(part_act, 0))
claim("activations_dominent", part_act > 0.5, f"{french.percent(part_act, 0)} du pic > 50 %")
opt = mesure["lora"]["parts"]["opt"] / mesure["complet"]["parts"]["opt"]
claim("adamw_fond", opt < 0.1, f"rapport des états d'AdamW {french.number(opt, 3)} < 0,1")
