# La sonde de dépendance lointaine : « Omar a posé son ballon … Plus tard, il a repris son » ;
# le modèle doit retrouver l'objet posé au début, avec de plus en plus de phrases entre les deux.
from genai_docs import french
from genai_docs.transformer import (
    corpus_text,
    is_story,
    load_course_lstm,
    load_course_model,
    probe_accuracy,
    probe_stories,
)
from genai_docs.values import claim, publish
from genai_docs.verdicts import monotonic, series

transformer, tokeniseur = load_course_model()
lstm, _ = load_course_lstm()
phrases = [0, 1, 2, 4, 6]

print("| phrases intercalées | distance moyenne (tokens) | transformer | LSTM |")
print("|---:|---:|---:|---:|")
t, r = [], []  # transformer, LSTM (récurrent) : la part d'histoires réussies par distance
for n in phrases:
    histoires = probe_stories(100, n_fillers=n)  # 100 histoires inédites par ligne
    ecarts = [
        len(tokeniseur.encode(invite).ids) - len(tokeniseur.encode(invite.split(".")[0]).ids)
        for invite, _ in histoires
    ]
    t.append(probe_accuracy(transformer, tokeniseur, 100, n_fillers=n))
    r.append(probe_accuracy(lstm, tokeniseur, 100, n_fillers=n))
    print(f"| {n} | {french.number(sum(ecarts) / len(ecarts))} "
          f"| {french.percent(t[-1], 0)} | {french.percent(r[-1], 0)} |")  # fmt: skip

# Le plus grand nombre de phrases intercalées dans les histoires du corpus d'entraînement.
vues = max(len(p.split(". ")) - 2 for p in corpus_text("train").splitlines() if is_story(p))
publish("phrases_max_corpus", vues)
for n, a, b in zip(phrases, t, r, strict=True):
    publish(f"sonde_transformer_{n}", french.percent(a, 0))
    publish(f"sonde_lstm_{n}", french.percent(b, 0))
vu = [i for i, n in enumerate(phrases) if n <= vues]  # les distances vues à l'entraînement
en_pourcents = lambda valeurs: series([100 * v for v in valeurs], 0)  # noqa: E731
claim(
    "transformer_retrouve",
    min(t[i] for i in vu) >= 0.9,
    f"transformer, de 0 à {vues} phrases : {en_pourcents([t[i] for i in vu])} (%)",
)
claim(
    "transformer_baisse_au_dela",
    t[-1] < min(t[i] for i in vu) - 0.03,
    f"{french.percent(t[-1], 0)} à {phrases[-1]} phrases, au moins "
    f"{french.percent(min(t[i] for i in vu), 0)} jusqu'à {vues}",
)
claim("lstm_bon_proche", r[0] >= 0.9, f"LSTM sans phrase intercalée : {french.percent(r[0], 0)}")
claim(
    "lstm_decroit",
    monotonic(r, tolerance=0.05) == "decreasing" and r[0] - r[-1] >= 0.1,
    f"LSTM, de 0 à {phrases[-1]} phrases : {en_pourcents(r)} (%)",
)
claim(
    "lstm_decroit_deja",
    r[vu[-1]] < r[0] - 0.05,
    f"LSTM : {french.percent(r[0], 0)} sans phrase, {french.percent(r[vu[-1]], 0)} à {vues}",
)
