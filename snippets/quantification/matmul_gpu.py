# Débit d'un produit de matrices selon le format, mesuré ici, à côté du pic publié du GPU.
import torch

from genai_docs.french import number, percent
from genai_docs.quantization import published_peaks, run_benchmark

RAISONS = {"tf32": "le tf32 est un mode des cœurs tensoriels des GPU NVIDIA"}
FORMES = {"compute-bound": "limité par le calcul", "memory-bound": "limité par la mémoire"}

if torch.cuda.is_available():
    nom = torch.cuda.get_device_name()
    pics = published_peaks(nom)
    print(f"GPU : {nom} (CUDA {torch.version.cuda}, PyTorch {torch.__version__}).")
    source = pics.source if pics else "GPU absent de notre table : pas de pic affiché"
    print(f"Pics publiés (denses, sans la parcimonie 2:4) : {source}.\n")
else:
    pics = None
    print(
        f"**Pas de GPU ici** : ce tableau vient du CPU ({torch.get_num_threads()} fil(s) de calcul), "
        "sans pic publié à comparer ; les formats sont émulés ou servis par les noyaux du CPU.\n"
    )


def debit(tops: float) -> str:
    """Trois chiffres significatifs environ : 989, 12,3 ou 0,0312."""
    return number(tops, 0 if tops >= 100 else 1 if tops >= 10 else 3 if tops >= 0.01 else 4)


resultats, absents = run_benchmark(min_run_time=0.2)
print("| produit (m × k × n) | format | TFLOPS | × fp32 | pic publié | part du pic |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
for forme in dict.fromkeys(r.shape for r in resultats):
    lignes = [r for r in resultats if r.shape == forme]
    fp32 = next(r for r in lignes if r.fmt == "fp32")
    for r in lignes:
        pic = pics.tops.get(r.fmt) if pics else None
        if pics and forme.name == "memory-bound":  # comparé à la bande passante mémoire
            part = f"{percent(r.bandwidth / pics.bandwidth, 0)} de la bande passante"
        else:
            part = percent(r.tops / pic, 0) if pic else "—"
        taille = f"{FORMES[forme.name]} ({forme.m} × {forme.k} × {forme.n})"
        print(
            f"| {taille} | {r.fmt} | {debit(r.tops)} | {number(fp32.seconds / r.seconds, 2)} "
            f"| {number(pic) if pic else '—'} | {part} |"
        )
for fmt, raison in absents.items():
    print(f"\n{fmt} absent : {RAISONS.get(fmt, f'`{raison}`')}.")
