# Un paramètre en fp32 occupe 32 bits, soit 4 octets.
import torch

from genai_docs.memory import GB, GIB, format_bytes

octets = torch.tensor(0.0, dtype=torch.float32).element_size()
print(f"un paramètre fp32 : {octets} octets")

milliard = 10**9
poids = milliard * octets
print(f"un milliard de paramètres : {poids:,} octets".replace(",", "\u202f"))
print(f"  = {format_bytes(poids, 'Go')}  (1 Go = 10^9 octets)")
print(f"  = {format_bytes(poids, 'Gio')}  (1 Gio = 2^30 octets)")
print(f"écart entre les deux unités : {GIB / GB - 1:.1%}".replace(".", ","))
