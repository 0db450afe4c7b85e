# Le GPT du cours, ses matrices stockées dans chaque format ; la perplexité est mesurée sur le
# même texte de validation pour toutes les variantes (le calcul, lui, reste en fp32).
from genai_docs.french import number, percent, size
from genai_docs.quantization import compare_variants
from genai_docs.transformer import held_out_perplexity, load_course_model
from genai_docs.values import claim, publish

net, tok = load_course_model()
resultats = compare_variants(net, lambda m: held_out_perplexity(m, tok), dynamic=False)
ref = resultats[0]
LIBELLES = {"int8 tensor": "int8 par tenseur", "int8 channel": "int8 par canal"}
LIBELLES["int4 group"] = "int4 par groupes de 64"

print(
    "| matrices en | octets du modèle | octets des matrices | bits par poids | perplexité | écart |"
)
print("| --- | ---: | ---: | ---: | ---: | ---: |")
n_matrices = ref.matrix_bytes / 4
for r in resultats:
    bits = 8 * r.matrix_bytes / n_matrices
    ecart = "—" if r is ref else percent(r.perplexity / ref.perplexity - 1, 3)
    print(
        f"| {LIBELLES.get(r.variant, r.variant)} | {size(r.nbytes, 'Mo', 2)} | {size(r.matrix_bytes, 'Mo', 2)} "
        f"| {number(bits, 2)} | {number(r.perplexity, 4)} | {ecart} |"
    )

NOMS = {"fp32": "fp32", "bf16": "bf16", "int8 tensor": "int8_tenseur"}
NOMS |= {"int8 channel": "int8_canal", "int4 group": "int4_groupe"}
par_nom = {NOMS[r.variant]: r for r in resultats}
for nom, r in par_nom.items():
    publish(f"ppl_{nom}", r.perplexity, 4)
publish("matrices_part", percent(ref.matrix_bytes / ref.nbytes, 0))
publish(
    "ratio_int4_fp32_matrices", percent(par_nom["int4_groupe"].matrix_bytes / ref.matrix_bytes, 1)
)
publish("ratio_int4_fp32_modele", percent(par_nom["int4_groupe"].nbytes / ref.nbytes, 0))
publish("octets_fp32", size(ref.nbytes, "Mo", 2))
publish("octets_int4", size(par_nom["int4_groupe"].nbytes, "Mo", 2))
publish("ecart_int4", percent(par_nom["int4_groupe"].perplexity / ref.perplexity - 1, 3))
ecarts = [abs(r.perplexity / ref.perplexity - 1) for r in resultats]
claim(
    "table_plate",
    max(ecarts) < 0.001,
    f"écart maximal à la perplexité fp32 : {percent(max(ecarts), 3)}",
)
parts_fp32 = 1 - par_nom["int4_groupe"].matrix_bytes / par_nom["int4_groupe"].nbytes
claim(
    "reste_pese",
    parts_fp32 > 0.5,
    f"en int4, les parties restées en fp32 font {percent(parts_fp32, 0)} des octets du modèle",
)
