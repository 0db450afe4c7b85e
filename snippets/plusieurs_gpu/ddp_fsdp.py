# Le mini-GPT entraîné par 2 processus (torchrun ; gloo sur CPU, NCCL sur GPU) :
# d'abord DDP, puis FSDP2 (fully_shard), à côté d'un entraînement sur un seul processus.
from genai_docs import french
from genai_docs.transformer import COURSE_CONFIG
from genai_docs.transformer.distributed import (
    DIST_CONFIG,
    DIST_TRAIN,
    ZERO_STAGE,
    predicted_bytes,
    run_distributed,
    single_process_losses,
)
from genai_docs.values import claim, publish

N = 2  # processus, comme 2 GPU
reference = single_process_losses()  # un processus, batch entier
executions = {"DDP": run_distributed("ddp", N), "FSDP2": run_distributed("fsdp", N)}
mode = {"DDP": "ddp", "FSDP2": "fsdp"}

parametres = predicted_bytes(DIST_CONFIG, 1, 0)["params"] // 4  # 4 octets par paramètre fp32
publish("mini_parametres", parametres)
publish("mini_blocs", DIST_CONFIG.n_layer)
publish("mini_largeur", DIST_CONFIG.d_model)
publish("cours_blocs", COURSE_CONFIG.n_layer)
publish("cours_largeur", COURSE_CONFIG.d_model)
publish("mini_pas", DIST_TRAIN.steps)
publish("mini_batch", DIST_TRAIN.batch_size)
publish("mini_batch_rang", DIST_TRAIN.batch_size // N)
publish("mini_tokens", DIST_TRAIN.seq_len)

# 1. Les octets que chaque rang garde après le premier pas, comptés tenseur par tenseur
#    (numel × element_size : un inventaire, pas un pic de l'allocateur), et la prédiction.
print("| exécution | qui | poids | gradients | états d'AdamW | total |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
egal = True
for nom, rangs in executions.items():
    etape = ZERO_STAGE[mode[nom]]
    prevu = predicted_bytes(DIST_CONFIG, N, etape)
    lignes = [(f"rang {r.rank} (compté)", r.params, r.grads, r.optimizer) for r in rangs]
    lignes.append((f"calculatrice, ZeRO-{etape}", *prevu.values()))
    for qui, *octets in lignes:
        cases = [french.size(o, "o", 0) for o in (*octets, sum(octets))]
        print(f"| {nom} | {qui} | " + " | ".join(cases) + " |")
    egal = egal and all((r.params, r.grads, r.optimizer) == tuple(prevu.values()) for r in rangs)
    publish(f"total_{mode[nom]}", french.size(sum(prevu.values()), "ko", 0))
print()
claim("inventaire_egal", egal, "chaque rang, DDP et FSDP2 : octets comptés = octets prédits")
totaux = {nom: r[0].params + r[0].grads + r[0].optimizer for nom, r in executions.items()}
claim(
    "fsdp_moitie",
    abs(totaux["FSDP2"] / totaux["DDP"] - 0.5) < 0.01,
    f"rang 0 : {french.size(totaux['FSDP2'], 'o', 0)} avec FSDP2, "
    f"{french.size(totaux['DDP'], 'o', 0)} avec DDP",
)

# 2. La perte, pas à pas : un processus sur tout le batch, contre 2 rangs sur une moitié
#    chacun (perte moyenne des deux rangs).
ecarts = {
    nom: [abs(a - b) / b for a, b in zip(rangs[0].losses, reference, strict=True)]
    for nom, rangs in executions.items()
}
print("| pas | 1 processus | DDP | FSDP2 | écart relatif DDP | écart relatif FSDP2 |")
print("| ---: | ---: | ---: | ---: | ---: | ---: |")
for pas in sorted({1, 2, 5, 10, DIST_TRAIN.steps // 2, DIST_TRAIN.steps}):
    i = pas - 1
    pertes = [reference[i]] + [rangs[0].losses[i] for rangs in executions.values()]
    cases = [french.number(p, 6) for p in pertes]
    cases += [french.scientific(ecarts[nom][i], 2) if ecarts[nom][i] else "0" for nom in ecarts]
    print(f"| {pas} | " + " | ".join(cases) + " |")
for nom, liste in ecarts.items():
    publish(f"ecart_{mode[nom]}", french.scientific(max(liste), 2))
pire = max(max(liste) for liste in ecarts.values())
claim(
    "ecarts_arrondis", pire < 1e-5, f"plus grand écart relatif {french.scientific(pire, 2)} < 10⁻⁵"
)
publish("perte_debut", reference[0], 2)
publish("perte_fin", reference[-1], 2)
