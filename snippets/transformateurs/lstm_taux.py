# Un LSTM bien réglé : son propre taux d'apprentissage, choisi par un court balayage. Chaque taux
# entraîne le LSTM pendant les premiers pas de son entraînement ; on garde celui qui retrouve le
# mieux l'objet dans des histoires de validation (tirées à part : ce ne sont pas celles de la sonde).
from genai_docs import french
from genai_docs.transformer import (
    COURSE_CONFIG,
    COURSE_LSTM,
    COURSE_LSTM_TRAIN,
    GPT,
    LSTMLanguageModel,
    course_lstm_record,
)
from genai_docs.values import claim, publish

lstm = course_lstm_record()  # le balayage et l'entraînement, faits une fois et gardés en cache
print(
    "| taux d'apprentissage | perte sur les histoires réservées | perte sur l'objet à retrouver |"
)
print("|---:|---:|---:|")
for essai in lstm["sweep"]:
    retenu = " (retenu)" if essai["lr"] == lstm["lr"] else ""
    print(f"| {french.scientific(essai['lr'], 1)}{retenu} | {french.number(essai['valid_loss'], 3)} "
          f"| {french.number(essai['probe_loss'], 3)} |")  # fmt: skip
print(f"\nPertes en nats, après {lstm['sweep_steps']} pas ; le taux retenu poursuit jusqu'à "
      f"{french.number(COURSE_LSTM_TRAIN.steps)} pas.")  # fmt: skip

publish("lstm_taux", french.scientific(lstm["lr"], 1))
publish("lstm_pas_balayage", lstm["sweep_steps"])
publish("lstm_pas_fin", COURSE_LSTM_TRAIN.steps)
publish("lstm_largeur", COURSE_LSTM.d_model)
publish("lstm_passage", COURSE_LSTM_TRAIN.seq_len)
publish("lstm_parametres", LSTMLanguageModel(COURSE_LSTM).num_parameters())
publish("gpt_parametres", GPT(COURSE_CONFIG).num_parameters())
meilleur = min(lstm["sweep"], key=lambda essai: essai["probe_loss"])
claim(
    "lstm_taux_meilleur",
    meilleur["lr"] == lstm["lr"],
    f"perte sur l'objet la plus basse : {french.number(meilleur['probe_loss'], 3)}, "
    f"au taux {french.scientific(meilleur['lr'], 1)}",
)
# La perte sur les histoires réservées sépare à peine les taux, et aurait choisi un autre taux,
# moins bon sur l'objet.
pertes = [essai["valid_loss"] for essai in lstm["sweep"]]
selon_perte = min(lstm["sweep"], key=lambda essai: essai["valid_loss"])
publish("lstm_taux_perte", french.scientific(selon_perte["lr"], 1))
publish("lstm_ecart_pertes", max(pertes) - min(pertes), 3)
claim(
    "perte_trompeuse",
    selon_perte["lr"] != lstm["lr"] and selon_perte["probe_loss"] > meilleur["probe_loss"],
    f"taux {french.scientific(selon_perte['lr'], 1)} : perte sur l'objet "
    f"{french.number(selon_perte['probe_loss'], 3)}, contre {french.number(meilleur['probe_loss'], 3)}",
)
claim(
    "perte_serree",
    max(pertes) - min(pertes) < 0.02,
    f"pertes sur les histoires réservées : de {french.number(min(pertes), 3)} "
    f"à {french.number(max(pertes), 3)}",
)
