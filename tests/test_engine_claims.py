"""Claims: a sentence that interprets an output cites what its block checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_engine import make_site, mkdocs_build, run

from genai_docs import french, values

SNIPPET = """\
from genai_docs import french
from genai_docs.values import claim, publish

rapport = 3.9e-7
publish("rapport", french.scientific(rapport, 2))
claim("attenuation_forte", rapport < 1e-6, f"{french.scientific(rapport, 2)} < 10⁻⁶")
claim("plus_lent", LENT, "0,80 ; 0,81 ; 1,04 ; 0,89 : pas toujours > 1")
print("fini")
"""

PAGE = """\
# T

Il n'en reste que {{ rapport }}, moins d'un millionième {{ claim: attenuation_forte }}.

Le LSTM est plus lent à toutes les longueurs {{ claim: plus_lent }}.

Pas dans le code : `{{ claim: plus_lent }}`.

```python exec="on"
--8<-- "affirmations.py"
```
"""


def _site(tmp_path: Path, lent: bool) -> Path:
    code = SNIPPET.replace("LENT", str(lent))
    return make_site(tmp_path, {"index.md": PAGE}, {"affirmations.py": code})


def test_a_true_claim_is_a_mark_whose_tooltip_says_what_was_checked(tmp_path: Path) -> None:
    root = _site(tmp_path, lent=True)
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "index.html").read_text()
    checked = f"{french.scientific(3.9e-7, 2)} &lt; 10⁻⁶"
    title = f"vérifié à la construction : {checked} (par snippets/affirmations.py)"
    assert f'millionième <span class="affirmation" title="{title}"' in html
    assert "<code>{{ claim: plus_lent }}</code>" in html  # inline code is left alone


def test_a_false_cited_claim_fails_the_build_with_page_line_and_values(tmp_path: Path) -> None:
    root = _site(tmp_path, lent=False)
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert (
        "docs/index.md:5: claim 'plus_lent' is false: 0,80 ; 0,81 ; 1,04 ; 0,89 : pas toujours > 1"
        in result.stderr
    )


def test_a_claim_that_no_block_states_fails_the_build(tmp_path: Path) -> None:
    root = make_site(
        tmp_path,
        {"index.md": PAGE.replace("{{ claim: plus_lent }}.", "{{ claim: inconnue }}.", 1)},
        {"affirmations.py": SNIPPET.replace("LENT", "True")},
    )
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "docs/index.md:5: claim 'inconnue' is cited but no block of this page states it" in (
        result.stderr
    )


def test_serve_shows_a_false_claim_in_the_sentence(tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = _site(tmp_path, lent=False)
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)  # does not raise
    html = (root / "site" / "index.html").read_text()
    assert "✗ affirmation fausse (plus_lent) : 0,80 ; 0,81 ; 1,04 ; 0,89" in html


def test_claims_are_cached_with_their_block(tmp_path: Path) -> None:
    root = _site(tmp_path, lent=True)
    assert [o.status for o in run(root)] == ["executed"]
    page = root / "docs" / "index.md"
    page.write_text(page.read_text().replace("Le LSTM", "Ici, le LSTM"))
    outcomes = run(root)
    assert [o.status for o in outcomes] == ["cached"]
    assert outcomes[0].execution.claims["plus_lent"] == {
        "holds": True,
        "detail": "0,80 ; 0,81 ; 1,04 ; 0,89 : pas toujours > 1",
    }


def test_claim_refuses_what_is_not_a_checked_bool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "_claimed", set())
    assert values.claim("vrai", 1 < 2, "1 < 2") is True
    with pytest.raises(TypeError, match="holds must be a bool"):
        values.claim("nombre", 0.5, "0,5")
    with pytest.raises(ValueError, match="give the detail"):
        values.claim("sans_detail", True, " ")
    with pytest.raises(ValueError, match="stated twice"):
        values.claim("vrai", True, "1 < 2")
