"""A lesson's level and reading time: computed from its prose, shown under its title."""

from __future__ import annotations

import pytest

from genai_docs.mkdocs.reading import WORDS_PER_MINUTE, level_line, reading_minutes


def test_reading_time_counts_prose_words_not_code() -> None:
    prose = "mot " * (3 * WORDS_PER_MINUTE)  # 3 minutes of reading: rounded up to 5
    code = "```python\n" + "x = 1\n" * 5000 + "```\n"
    assert reading_minutes(prose) == 5
    assert reading_minutes(prose + "\n" + code) == 5
    assert reading_minutes("mot " * (11 * WORDS_PER_MINUTE)) == 15
    assert reading_minutes("") == 5  # never « 0 min »


def test_level_line_and_an_unknown_level() -> None:
    line = level_line("débutant", "mot " * 400, "docs/x.md")
    assert line == '<p class="niveau">Niveau : débutant · lecture : environ 5 min</p>'
    with pytest.raises(ValueError, match="docs/x.md: niveau 'expert' is not one of"):
        level_line("expert", "", "docs/x.md")


def test_the_level_shows_under_the_title_and_a_wrong_one_fails_the_build(tmp_path) -> None:
    from test_engine import make_site, mkdocs_build

    page = "---\nniveau: intermédiaire\n---\n# Titre\n\nUn texte.\n"
    root = make_site(tmp_path, {"index.md": page}, {})
    assert mkdocs_build(root, "--strict").returncode == 0
    html = (root / "site" / "index.html").read_text()
    assert '<p class="niveau">Niveau : intermédiaire · lecture : environ 5 min</p>' in html
    (root / "docs" / "index.md").write_text(page.replace("intermédiaire", "expert"))
    result = mkdocs_build(root)
    assert result.returncode != 0 and "niveau 'expert' is not one of" in result.stderr


def test_the_level_line_leaves_a_block_where_it_stands(tmp_path) -> None:
    """The level line adds lines under the title; the blocks, found at their lines in the page
    as written, are replaced first (a level inserted first shifted them by two lines: the
    code's fence fell into the prose, and every anchor after it was lost)."""
    from test_engine import make_site, mkdocs_build

    page = (
        "---\nniveau: débutant\n---\n# Titre\n\nAvant.\n\n"
        '```python exec="on"\nprint("sortie du bloc")\n```\n\n## Après le bloc\n\nFin.\n'
    )
    root = make_site(tmp_path, {"index.md": page}, {})
    assert mkdocs_build(root, "--strict").returncode == 0
    html = (root / "site" / "index.html").read_text()
    assert '<h2 id="apres-le-bloc">' in html
    assert "exec=" not in html and html.count("sortie du bloc") == 2  # the code and its output
    code = html[html.index("<code") : html.index("</code>")]
    assert "print" in code and "Après" not in code
