"""The Quantification page's exercises fold their answers: every « ??? success » sits under a
question, indented with four plain spaces (a no-break space there shows the answer raw)."""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "quantification.md"


def test_every_exercise_has_a_folded_answer_indented_with_plain_spaces() -> None:
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    questions = [i for i, line in enumerate(lines) if line.startswith('??? question "')]
    answers = [i for i, line in enumerate(lines) if re.match(r"^\s*\?\?\? success", line)]
    assert questions and len(answers) == len(questions)
    for i in answers:
        assert lines[i].startswith('    ??? success "Réponse"'), f"line {i + 1}: {lines[i]!r}"
    for question, answer in zip(questions, answers, strict=True):
        assert question < answer and all(
            not lines[j].startswith("???") for j in range(question + 1, answer)
        )
    indented = [line for line in lines if line[:1].isspace()]
    assert not [line for line in indented if "\u00a0" in line[: len(line) - len(line.lstrip())]]
