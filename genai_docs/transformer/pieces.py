"""What a byte-level BPE token stands for: its bytes, and a readable rendering of them.

A byte-level tokenizer (GPT-2; Radford et al., 2019) stores each byte as a printable
character (the space is "Ġ", the two bytes of "é" are "Ã©"); a token may hold only part of
a multi-byte UTF-8 character, such as the first byte of "é". These helpers undo that
mapping, for the lesson on what accents cost.
"""

from __future__ import annotations

from tokenizers import Tokenizer

__all__ = ["show_pieces", "token_bytes"]


def _byte_alphabet() -> dict[str, int]:
    """GPT-2's printable stand-in for each byte (the alphabet ``ByteLevel`` uses) -> byte."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    codes = list(printable)
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)  # shifted past 255, so that it prints
            extra += 1
    return {chr(c): b for b, c in zip(printable, codes, strict=True)}


def token_bytes(tok: Tokenizer, token_id: int) -> bytes:
    """The bytes a token stands for (a token may hold half of a UTF-8 character)."""
    alphabet = _byte_alphabet()
    return bytes(alphabet[ch] for ch in tok.id_to_token(token_id))


def _show(raw: bytes) -> str:
    try:
        return raw.decode("utf-8").replace(" ", "␣")
    except UnicodeDecodeError:  # part of a character: show the bytes, and decode what we can
        return "".join(chr(b).replace(" ", "␣") if b < 0x80 else f"<{b:02X}>" for b in raw)


def show_pieces(tok: Tokenizer, text: str) -> list[str]:
    """The tokens of ``text``, readable: "␣" for a space, <C3> for a lone byte."""
    return [_show(token_bytes(tok, i)) for i in tok.encode(text).ids]
