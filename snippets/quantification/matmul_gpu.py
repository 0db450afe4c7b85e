# Débit d'un produit de matrices selon le format, mesuré sur un GPU par
# measurements/debit_matmul.py (temps enregistrés dans frozen/debit_matmul.json) ; le débit,
# le pic publié du GPU et la part de ce pic sont calculés ici, à chaque construction.
from genai_docs.french import number, percent
from genai_docs.measurements import banner, load
from genai_docs.quantization import published_peaks
from genai_docs.quantization.matmul import MatmulResult, MatmulShape

mesures = load("debit_matmul")
print(banner("debit_matmul", mesures) + "\n")
FORMES = {"compute-bound": "limité par le calcul", "memory-bound": "limité par la mémoire"}
if mesures:
    pics = published_peaks(mesures.provenance["gpu"])
    print(f"Pics publiés (denses) : {pics.source if pics else 'GPU absent de notre table'}.\n")
    print("| produit (m × k × n) | format | débit | × fp32 | pic publié | part du pic |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    resultats = [
        MatmulResult(r["format"], MatmulShape(r["shape"], r["m"], r["k"], r["n"]), r["seconds"], "cuda")
        for r in mesures.data["results"]
    ]  # fmt: skip
    for r in resultats:
        fp32 = next(x for x in resultats if x.shape == r.shape and x.fmt == "fp32")
        unite = "TOPS" if r.fmt == "int8" else "TFLOP/s"
        pic = pics.tops.get(r.fmt) if pics else None
        if pics and r.shape.name == "memory-bound":  # comparé à la bande passante
            part = f"{percent(r.bandwidth / pics.bandwidth, 0)} de la bande passante"
        else:
            part = percent(r.tops / pic, 0) if pic else "—"
        taille = f"{FORMES[r.shape.name]} ({r.shape.m} × {r.shape.k} × {r.shape.n})"
        print(
            f"| {taille} | {r.fmt} | {number(r.tops, 1)} {unite} | {number(fp32.seconds / r.seconds, 2)} "
            f"| {number(pic) + ' ' + unite if pic else '—'} | {part} |"
        )
    for fmt, raison in mesures.data["skipped"].items():
        print(f"\n{fmt} absent : `{raison}`.")
