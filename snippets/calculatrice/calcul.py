# Le calcul de la calculatrice de mémoire. Les champs du formulaire (des chaînes de
# caractères) deviennent un TrainingConfig ou un InferenceConfig ; l'estimation de
# genai_docs.memory devient le tableau, le total, le moment du pic, la barre des parties
# et le temps, tels que la commande `genai-docs memory` les imprime. Votre navigateur
# exécute ce fichier tel quel, avec Pyodide ; lancé ici, il affiche le réglage par défaut
# du formulaire.
import json
import re
from functools import lru_cache

import genai_docs.memory.speed  # noqa: F401 (le temps : le navigateur doit le charger aussi)
from genai_docs import french
from genai_docs.errors import UsageError
from genai_docs.memory import (
    GB,
    InferenceConfig,
    ModelShape,
    TrainingConfig,
    estimate_inference,
    estimate_training,
    format_bytes,
    shape_from_sizes,
)
from genai_docs.memory.remarks import (
    POLICY_LABELS,
    check_positions,
    notes,
    time_lines,
    unmeasured,
)
from genai_docs.memory.report import MOMENT_LABELS, PART_LABELS

# Des cartes courantes, par leur mémoire annoncée par le constructeur, comparée ici en Go
# (10⁹ octets) : un peu moins que ce qu'elles ont vraiment (80 « GB » d'un H100 = 80 Gio).
CARTES = [(24, "RTX 4090"), (80, "A100 80 Go, H100"), (141, "H200")]
MAX_BLOCS = 1000  # au-delà, la liste des tenseurs du modèle ralentirait la page
NOMS = {  # le nom de chaque champ du formulaire, pour les messages d'erreur
    "n_layer": "blocs",
    "d_model": "largeur",
    "n_head": "têtes d'attention",
    "n_kv_head": "têtes clés-valeurs",
    "d_ff": "largeur du MLP",
    "vocab_size": "vocabulaire",
    "max_positions": "positions",
    "batch_size": "batch",
    "seq_len": "tokens par séquence",
    "new_tokens": "tokens générés",
    "zero_stage": "étape ZeRO",
    "n_gpus": "GPU",
    "lora_rank": "rang LoRA",
}
# Les refus de la bibliothèque (en anglais), en français.
TRADUCTIONS = [
    (
        r"n_head \((\d+)\) must divide d_model \((\d+)\)",
        "{0} têtes ne divisent pas la largeur {1}.",
    ),
    (
        r"n_kv_head \((\d+)\) must divide n_head \((\d+)\)",
        "{0} têtes clés-valeurs ne divisent pas {1} têtes.",
    ),
    (
        r"(.+) learned (\d+) positions: (\d+) tokens per sequence exceed them",
        "{0} a appris {1} positions : {2} tokens par séquence les dépassent.",
    ),
    (
        r"FSDP2's mixed-precision policy shards everything: it needs ZeRO stage 3",
        "La politique de précision mixte de FSDP2 découpe tout : choisissez l'étape ZeRO 3.",
    ),
]


class Refus(Exception):
    """Un réglage que la calculatrice ne peut pas calculer, expliqué en français."""


def entier(champs: dict, cle: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Le champ ``cle``, un entier entre ``minimum`` et ``maximum`` (« 1 024 » accepté)."""
    texte = re.sub(r"[\s\u202f\u00a0]", "", champs.get(cle, ""))
    if not re.fullmatch(r"[0-9]{1,15}", texte) or not minimum <= int(texte) <= (maximum or 1e15):
        borne = f"entre {minimum} et {maximum}" if maximum else f"d'au moins {minimum}"
        raise Refus(f"« {NOMS[cle]} » : entrez un nombre entier {borne}.")
    return int(texte)


def en_francais(erreur: Exception) -> str:
    """Le refus de la bibliothèque en français ; sinon, tel quel derrière une phrase."""
    for motif, phrase in TRADUCTIONS:
        if trouve := re.fullmatch(motif, str(erreur)):
            return phrase.format(*trouve.groups())
    return f"Réglage refusé par la bibliothèque : {erreur}"


@lru_cache(maxsize=1)
def lire_registre(texte: str) -> dict[str, ModelShape]:
    """Les formes du registre, du JSON imprimé par registre.py."""
    formes = {}
    for nom, champs in json.loads(texte)["modeles"].items():
        tenseurs = tuple(tuple(forme) for forme in champs["param_shapes"])
        formes[nom] = ModelShape(**{**champs, "param_shapes": tenseurs})
    return formes


def forme_du_modele(champs: dict, formes: dict[str, ModelShape]) -> ModelShape:
    """Un modèle du registre, ou les tailles tapées (``model`` = ``custom``)."""
    if champs.get("model") != "custom":
        if champs.get("model") not in formes:
            raise Refus("Choisissez un modèle.")
        return formes[champs["model"]]
    famille = champs.get("family")
    tailles = {cle: entier(champs, cle) for cle in ("d_model", "n_head", "d_ff", "vocab_size")}
    tailles["n_layer"] = entier(champs, "n_layer", maximum=MAX_BLOCS)
    if famille == "gpt2":
        tailles["max_positions"] = entier(champs, "max_positions")
    else:
        tailles["n_kv_head"] = entier(champs, "n_kv_head")
    try:
        return shape_from_sizes(
            famille, **tailles, tied_embeddings=champs.get("tied") == "on", name="votre modèle"
        )
    except ValueError as erreur:
        raise Refus(en_francais(erreur)) from None


def estimer(champs: dict, forme: ModelShape):
    commun = {
        "batch_size": entier(champs, "batch_size"),
        "seq_len": entier(champs, "seq_len"),
        "attention": champs.get("attention"),
        "device": champs.get("device"),
    }
    if champs.get("mode") == "training":
        rang = entier(champs, "lora_rank", minimum=0)
        if champs.get("qlora") == "on" and not rang:
            raise Refus("QLoRA entraîne des adaptateurs LoRA : donnez un rang LoRA d'au moins 1.")
        cfg = TrainingConfig(
            **commun,
            precision=champs.get("precision"),
            optimizer=champs.get("optimizer"),
            recompute=champs.get("recompute"),
            zero_stage=entier(champs, "zero_stage", minimum=0, maximum=3),
            n_gpus=entier(champs, "n_gpus"),
            lora_rank=rang,
            lora_targets=champs.get("lora_targets", "attention"),
            qlora=champs.get("qlora") == "on",
            mixed=champs.get("mixed", "auto") if champs.get("precision") == "mixed" else "auto",
        )
        return estimate_training(forme, cfg)
    cfg = InferenceConfig(
        **commun,
        new_tokens=entier(champs, "new_tokens"),
        dtype=champs.get("dtype"),
        sampling=champs.get("sampling") == "on",
    )
    return estimate_inference(forme, cfg)


def barre(estimation) -> list[dict]:
    """Les parties du pic, dans l'ordre du tableau : nom, part du total (en %), et leur rang
    parmi toutes les parties (la couleur de la figure de la leçon Mémoire)."""
    total = estimation.total_bytes or 1
    ordre = list(PART_LABELS)
    return [
        {
            "partie": PART_LABELS[partie],
            "part": round(100 * octets / total, 2),
            "rang": ordre.index(partie),
        }
        for partie, octets in estimation.breakdown.items()
        if octets
    ]


def calculer(champs: dict, formes: dict[str, ModelShape]) -> dict:
    """Ce que la page affiche, ou ``{"erreur": ...}`` : rien n'est affiché à moitié."""
    try:
        forme = forme_du_modele(champs, formes)
        estimation = estimer(champs, forme)
        reglage = estimation.setting
        limite = None
        if champs.get("model") != "custom" or champs.get("family") == "gpt2":
            nouveaux = reglage.get("new_tokens", 1)
            limite = check_positions(forme, reglage["seq_len"] + nouveaux - 1)
    except Refus as refus:
        return {"erreur": str(refus)}
    except (ValueError, UsageError) as erreur:  # un choix que les configurations refusent
        return {"erreur": en_francais(erreur)}
    total = estimation.total_bytes
    mode = "entraînement" if reglage["mode"] == "training" else "génération"
    # le tableau de `genai-docs memory` (MemoryEstimate.table), cellule par cellule
    lignes = [
        [cellule.strip().strip("*") for cellule in ligne.strip("|").split("|")]
        for ligne in estimation.table("Go").splitlines()
        if not ligne.startswith("| ---")
    ]
    par_gpu = " par GPU" if reglage.get("n_gpus", 1) > 1 else ""
    remarques = []
    if reglage["attention"] == "eager" and champs.get("attention") == "sdpa":
        remarques.append(
            "En fp32 avec des têtes clés-valeurs groupées, PyTorch n'a pas d'attention fusionnée "
            "sur GPU : le calcul suit l'attention explicite (« eager »), qui garde les scores."
        )
    if reglage["attention"] == "math":
        remarques.append(
            "Sur CPU, l'attention fusionnée n'accepte pas le dropout : PyTorch calcule "
            "l'attention en fp32 et garde les scores, le masque et les probabilités."
        )
    if limite:
        remarques.append(limite[0].upper() + limite[1:] + ".")
    if reglage["peak_at"] == "step":
        remarques.append(
            "Au pas de l'optimiseur, les activations sont déjà libérées : "
            "elles ne comptent pas dans ce pic."
        )
    if reglage.get("policy"):
        remarques.append(f"Précision mixte : {POLICY_LABELS[reglage['policy']]}.")
    remarques += notes(forme, estimation, champs.get("mixed", "auto"), page=True)
    # ce qu'aucune mesure ne vérifie (« non mesuré ») : Adam 8 bits, QLoRA, int4, noyaux CUDA
    remarques += [ligne[0].upper() + ligne[1:] + "." for ligne in unmeasured(forme, estimation)]
    if forme.n_experts:
        remarques.append(
            f"Mélange d'experts : {forme.n_experts} experts, {forme.top_k} par token ; "
            f"{french.number(forme.active_params, 0)} paramètres actifs par token, "
            "mais tous en mémoire."
        )
    temps = time_lines(forme, estimation, None, None) if reglage.get("device") == "cuda" else []
    return {
        "titre": f"{forme.name} : {french.number(forme.params, 0)} paramètres, {mode}",
        "pic": f"moment du pic : {MOMENT_LABELS[reglage['peak_at']]}",
        "entete": lignes[0],
        "lignes": lignes[1:],
        "total": f"total{par_gpu} : {format_bytes(total, 'Go')} = {format_bytes(total, 'Gio')}",
        "barre": barre(estimation),
        "cartes": [
            {"tient": total <= go * GB, "texte": f"{go}\u00a0Go ({nom})"} for go, nom in CARTES
        ],
        "remarques": remarques,
        "temps": [ligne.strip() for ligne in temps],
    }


def calculer_json(champs: str, registre: str) -> str:
    """Le point d'entrée du navigateur : du JSON en entrée, du JSON en sortie."""
    return json.dumps(calculer(json.loads(champs), lire_registre(registre)), ensure_ascii=False)


if __name__ == "__main__":
    from genai_docs.memory import model_shape

    defaut = {
        "model": "tinyllama-1.1b",
        "mode": "training",
        "batch_size": "1",
        "seq_len": "512",
        "precision": "mixed",
        "optimizer": "adamw",
        "recompute": "none",
        "attention": "sdpa",
        "device": "cuda",
        "zero_stage": "0",
        "n_gpus": "1",
        "lora_rank": "0",
        "lora_targets": "attention",
        "mixed": "auto",
    }
    page = calculer(defaut, {"tinyllama-1.1b": model_shape("tinyllama-1.1b")})
    print(f"**{page['titre']}**, {page['pic']}\n")
    print("| " + " | ".join(page["entete"]) + " |\n| --- | ---: | ---: |")
    for ligne in page["lignes"]:
        print("| " + " | ".join(ligne) + " |")
    print(f"\n**{page['total']}**\n")
    for carte in page["cartes"]:
        print(f"- {carte['texte']} : {'tient' if carte['tient'] else 'ne tient pas'}")
    print()
    for ligne in page["remarques"] + page["temps"]:
        print(f"- {ligne}")
