# Décoder avec des poids quantifiés : tokens par seconde et mémoire, mesurés sur un GPU par
# measurements/decodage_quantifie.py (frozen/decodage_quantifie.json), à côté du plafond
# calculé ici : décoder un token lit chaque poids une fois, donc au mieux
# bande passante ÷ octets des poids tokens par seconde (le « roofline »).
from genai_docs import french
from genai_docs.measurements import banner, load
from genai_docs.quantization import published_peaks

mesures = load("decodage_quantifie")
print(banner("decodage_quantifie", mesures) + "\n")
if mesures:
    pics = published_peaks(mesures.provenance["gpu"])
    print(
        "| poids | tokens par seconde | plafond (bande passante ÷ octets) | part du plafond | pic mémoire |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for variante, v in mesures.data["variants"].items():
        if "error" in v:
            print(f"| {variante} | non mesuré : `{v['error']}` | | | |")
            continue
        debit = 1 / v["seconds_per_token"]
        plafond = pics.bandwidth / v["state_dict_bytes"] if pics else None
        print(
            f"| {variante} | {french.number(debit)} "
            f"| {french.number(plafond) if plafond else '—'} "
            f"| {french.percent(debit / plafond, 0) if plafond else '—'} "
            f"| {french.size(v['peak_bytes']) if v['peak_bytes'] else '—'} |"
        )
