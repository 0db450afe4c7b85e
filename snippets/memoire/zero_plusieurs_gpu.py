# Pourquoi plusieurs GPU : Llama-2-7B en précision mixte avec AdamW, par GPU,
# selon l'étape ZeRO (3 = FSDP), sur 8 GPU de 80 Go.
from genai_docs import french
from genai_docs.memory import GB, TrainingConfig, estimate_training, model_shape
from genai_docs.values import claim, publish

modele = model_shape("llama-2-7b")
print("| réglage | poids | gradients | optimiseur | pic par GPU | tient dans 80 Go ? |")
print("| --- | ---: | ---: | ---: | ---: | :---: |")
pics = {}
for etape, gpus in [(0, 1), (1, 8), (2, 8), (3, 8)]:
    cfg = TrainingConfig(1, 2048, "mixed", recompute="full", zero_stage=etape, n_gpus=gpus)
    e = estimate_training(modele, cfg)
    pics[etape] = e.total_bytes
    etats = e.setting["sharded_states"]
    cases = [etats["weights"], etats["gradients"], etats["optimizer"], e.total_bytes]
    texte = " | ".join(french.size(c, "Go", 1) for c in cases)
    reglage = "1 GPU" if gpus == 1 else f"ZeRO-{etape}, {gpus} GPU"
    publish(f"pic_zero{etape}", french.size(e.total_bytes, "Go", 1))
    print(f"| {reglage} | {texte} | {'oui' if e.total_bytes < 80 * GB else 'non'} |")
claim(
    "zero1_suffit",
    pics[0] > 80 * GB >= pics[1] and pics[3] < pics[2] < pics[1],
    " ; ".join(f"ZeRO-{k} : {french.size(v, 'Go', 1)}" for k, v in pics.items()) + " ; 80 Go",
)
