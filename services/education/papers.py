"""An exam's paper: its questions, what a candidate may see of them, and the objective
part's grading. Single, multiple and judge questions have a key; essays are marked by an
administrator (services/education/marking.py)."""

from __future__ import annotations

from typing import Any

from models.learning.exams import Exam
from services.common.errors import BadInput

OBJECTIVE = ("single", "multiple", "judge")
ESSAY = "essay"
MAX_ANSWER = 2000  # characters of one essay answer; an objective answer is a few letters


def check_paper(questions: list[dict[str, Any]], pass_score: int) -> None:
    """A paper can be passed, and every objective question has its key."""
    if not questions or pass_score > sum(int(q["points"]) for q in questions):
        raise BadInput("exam.bad_paper")
    if any(q["kind"] in OBJECTIVE and not q.get("answer") for q in questions):
        raise BadInput("exam.no_key")


def essays(exam: Exam) -> list[dict[str, Any]]:
    return [q for q in exam.questions if q["kind"] == ESSAY]


def grade(exam: Exam, answers: dict[str, Any]) -> int:
    """Objective questions: single and judge need the exact answer, multiple all options;
    essays score nothing here (an administrator marks them)."""
    score = 0
    for q in exam.questions:
        given = answers.get(str(q["id"]))
        if given is None or q["kind"] == ESSAY:
            continue
        if q["kind"] == "multiple":
            if sorted(str(given)) == sorted(str(q["answer"])):
                score += int(q["points"])
        elif str(given) == str(q["answer"]):
            score += int(q["points"])
    return score
