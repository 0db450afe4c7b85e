# Une vraie matrice : la première couche du MLP du premier bloc du GPT du cours, 512 × 128
# poids fp32 (une ligne par neurone de sortie, c'est-à-dire par « canal »).
from genai_docs.french import number, scientific, size
from genai_docs.quantization import quantization_error, quantize
from genai_docs.transformer import load_course_model
from genai_docs.values import claim, publish

net, _ = load_course_model()
w = net.h[0].mlp.c_fc.weight.detach()  # (512, 128)

NOMS = {
    "int8 absmax tensor": "int8 absmax, par tenseur",
    "int8 absmax channel": "int8 absmax, par canal",
    "int8 zeropoint tensor": "int8 point zéro, par tenseur",
    "int8 zeropoint channel": "int8 point zéro, par canal",
    "int4 group 64": "int4, par groupes de 64",
}
print("| schéma | octets (codes + échelles) | bits par poids | EQM | erreur max | SNR |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
print(f"| fp32 (référence) | {size(w.numel() * 4, 'ko', 1)} | 32 | — | — | — |")
erreurs = {}
for schema, nom in NOMS.items():
    e = erreurs[schema] = quantization_error(w, quantize(w, schema))
    print(
        f"| {nom} | {size(e.nbytes, 'ko', 1)} | {number(e.bits_per_weight, 2)} "
        f"| {scientific(e.mse)} | {scientific(e.max_error)} | {number(e.snr_db, 1)} dB |"
    )

publish("snr_int8_tenseur", erreurs["int8 absmax tensor"].snr_db, 1)
publish("snr_int8_canal", erreurs["int8 absmax channel"].snr_db, 1)
publish("snr_int4", erreurs["int4 group 64"].snr_db, 1)
publish("bits_int4", erreurs["int4 group 64"].bits_per_weight, 2)
publish("bits_int8_canal", erreurs["int8 absmax channel"].bits_per_weight, 2)

snr = {schema: e.snr_db for schema, e in erreurs.items()}
claim(
    "canal_meilleur",
    snr["int8 absmax channel"] > snr["int8 absmax tensor"] + 1,
    f"SNR {number(snr['int8 absmax channel'], 1)} dB par canal, {number(snr['int8 absmax tensor'], 1)} dB par tenseur",
)
claim(
    "int4_moins_bon",
    snr["int4 group 64"] < min(s for k, s in snr.items() if k.startswith("int8")) - 12,
    f"SNR int4 {number(snr['int4 group 64'], 1)} dB, int8 au moins {number(min(s for k, s in snr.items() if k.startswith('int8')), 1)} dB",
)
