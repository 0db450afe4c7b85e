# Un paramètre en fp32 occupe 32 bits, soit 4 octets.
import torch

from genai_docs import french
from genai_docs.memory import GB, GIB, format_bytes
from genai_docs.values import publish

octets = torch.tensor(0.0, dtype=torch.float32).element_size()
print(f"un paramètre fp32 : {octets} octets")

milliard = 10**9
poids = milliard * octets
print(f"un milliard de paramètres : {french.number(poids)} octets")
print(f"  = {format_bytes(poids, 'Go')}  (1 Go = 10⁹ octets)")
print(f"  = {format_bytes(poids, 'Gio')}  (1 Gio = 2³⁰ octets)")
print(f"écart entre les deux unités : {french.percent(GIB / GB - 1)}")
publish("octets_fp32", octets)
publish("poids_milliard_go", format_bytes(poids, "Go"))
publish("poids_milliard_gio", format_bytes(poids, "Gio"))
publish("ecart_go_gio", french.percent(GIB / GB - 1))
