"""French no-break spaces in the rendered HTML, never inside code or formulas."""

from __future__ import annotations

import markdown

from genai_docs.mkdocs.typography import french_spaces

NBSP, NNBSP = "\u00a0", "\u202f"


def render(text: str) -> str:
    extensions = ["genai_docs.mkdocs.typography", "admonition", "pymdownx.arithmatex"]
    return markdown.Markdown(extensions=extensions).convert(text)


def test_spaces_before_double_punctuation_and_inside_guillemets() -> None:
    assert french_spaces("Le modèle : « ballon » ? Oui ! 50 % ; fin") == (
        f"Le modèle{NBSP}: «{NBSP}ballon{NBSP}»{NNBSP}? Oui{NNBSP}! 50{NNBSP}%{NNBSP}; fin"
    )
    # no space is added where the author wrote none
    assert french_spaces("http://exemple.fr à 12:30, ratio 3:1 ; « x »") == (
        f"http://exemple.fr à 12:30, ratio 3:1{NNBSP}; «{NBSP}x{NBSP}»"
    )


def test_code_and_formulas_are_left_alone_but_text_after_them_is_not() -> None:
    html = render(
        'Voir `a : b` et ceci : fin ?\n\n```\nx : y ?\n```\n\n!!! note "Titre : ici"\n\n'
        "    Texte ; suite\n\nFormule $a : b$ !\n"
    )
    assert "<code>a : b</code> et ceci\u00a0: fin\u202f?" in html
    assert "x : y ?" in html  # a fenced block, untouched
    assert f"Titre{NBSP}: ici" in html and f"Texte{NNBSP}; suite" in html
    assert "a : b" in html.split("Formule")[1]  # the formula's source is kept as written
