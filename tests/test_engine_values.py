"""Values computed by blocks and cited in sentences: ``{{ name }}`` in the prose."""

from __future__ import annotations

from pathlib import Path

from test_engine import make_site, mkdocs_build, run

SNIPPET = """\
from genai_docs import french
from genai_docs.values import publish

publish("perte", 0.1163, 2)
publish("part", french.percent(0.891))
publish("gros", 1234567)
print("publié")
"""

PAGE = """\
# T

La perte vaut {{ perte }} et la part {{part}} ; {{ gros }} paramètres.

Pas dans le code : `{{ perte }}`, ni échappé : \\{{ perte }}.

```python
print(f"{{ perte }}")
```

```python exec="on"
--8<-- "valeurs.py"
```
"""


def test_values_are_cited_in_prose_not_in_code(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"index.md": PAGE}, {"valeurs.py": SNIPPET})
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    html = (root / "site" / "index.html").read_text()
    title = 'title="calculé par snippets/valeurs.py"'
    assert f'La perte vaut <span class="valeur" {title}>0,12</span>' in html
    assert f'<span class="valeur" {title}>89,1\u00a0%</span>' in html
    assert f'<span class="valeur" {title}>1\u202f234\u202f567</span> paramètres' in html
    assert "<code>{{ perte }}</code>" in html  # inline code is left alone
    assert "ni échappé : {{ perte }}." in html
    fenced = html.split("<pre")[1]  # the first fenced block: code that prints braces
    assert '<span class="se">{{</span><span class="s2"> perte </span>' in fenced


def test_editing_prose_runs_nothing_and_keeps_the_values(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"index.md": PAGE}, {"valeurs.py": SNIPPET})
    assert [o.status for o in run(root)] == ["executed"]
    page = root / "docs" / "index.md"
    page.write_text(page.read_text().replace("La perte vaut", "Ici, la perte vaut"))
    outcomes = run(root)
    assert [o.status for o in outcomes] == ["cached"]
    assert outcomes[0].execution.values["perte"] == "0,12"
    assert mkdocs_build(root).returncode == 0
    assert "Ici, la perte vaut <span" in (root / "site" / "index.html").read_text()


def test_a_missing_or_doubled_value_fails_the_build_naming_the_line(tmp_path: Path) -> None:
    page = PAGE.replace("{{ gros }}", "{{ inconnu }}")
    root = make_site(tmp_path, {"index.md": page}, {"valeurs.py": SNIPPET})
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "docs/index.md:3: value 'inconnu' is cited but no block of this page publishes it" in (
        result.stderr
    )

    twice = (
        PAGE
        + '\n```python exec="on"\nfrom genai_docs.values import publish\npublish("perte", 1)\n```\n'
    )
    (root / "docs" / "index.md").write_text(twice)
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "value 'perte' is published twice on this page" in result.stderr
