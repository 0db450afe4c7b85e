# Notre int8 par canal contre la quantification dynamique intégrée à PyTorch
# (torch.ao.quantization.quantize_dynamic), sur les mêmes couches du même modèle.
from genai_docs.french import number, percent, size
from genai_docs.quantization import compare_variants
from genai_docs.transformer import held_out_perplexity, load_course_model
from genai_docs.values import claim, publish

net, tok = load_course_model()
resultats = compare_variants(
    net, lambda m: held_out_perplexity(m, tok), variants=("fp32", "int8 tensor", "int8 channel")
)
ref = resultats[0]
NOMS = {
    "fp32": ("fp32 (référence)", "fp32", "fp32"),
    "int8 tensor": ("le cours, int8 par tenseur", "int8 + 1 échelle fp16", "fp32"),
    "int8 channel": ("le cours, int8 par canal", "int8 + échelles fp16", "fp32"),
    "pytorch int8 tensor": ("PyTorch, int8 par tenseur", "int8 + échelle fp64", "int8 dynamique"),
    "pytorch int8 channel": (
        "PyTorch, int8 par canal",
        "int8 + échelles fp64, zéros int64",
        "int8 dynamique",
    ),
}
print(
    "| quantification | poids | activations | octets des matrices | octets du modèle | perplexité | écart |"
)
print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
for r in resultats:
    nom, poids, activations = NOMS[r.variant]
    ecart = "—" if r is ref else percent(r.perplexity / ref.perplexity - 1, 3)
    print(
        f"| {nom} | {poids} | {activations} | {size(r.matrix_bytes, 'ko', 0)} "
        f"| {size(r.nbytes, 'Mo', 2)} | {number(r.perplexity, 4)} | {ecart} |"
    )

par_nom = {r.variant: r for r in resultats}
publish("ppl_pytorch_tenseur", par_nom["pytorch int8 tensor"].perplexity, 4)
publish("ppl_pytorch_canal", par_nom["pytorch int8 channel"].perplexity, 4)
publish("octets_pytorch_canal", size(par_nom["pytorch int8 channel"].matrix_bytes, "ko", 0))
publish("octets_cours_canal", size(par_nom["int8 channel"].matrix_bytes, "ko", 0))
ecarts = [abs(r.perplexity / ref.perplexity - 1) for r in resultats]
claim(
    "pytorch_voisin",
    max(ecarts) < 0.001,
    f"écart maximal à la perplexité fp32 : {percent(max(ecarts), 3)}",
)
claim(
    "pytorch_plus_lourd",
    par_nom["pytorch int8 channel"].matrix_bytes > par_nom["int8 channel"].matrix_bytes,
    f"{size(par_nom['pytorch int8 channel'].matrix_bytes, 'ko', 0)} contre "
    f"{size(par_nom['int8 channel'].matrix_bytes, 'ko', 0)}",
)
