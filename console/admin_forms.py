"""The administrator's forms read into the API's bodies: a batch's stages, one a line
(`市州行业部门预审 | 市 | 按行业`), and an exam's questions, one a line
(`单选 | 题目 | A选项; B选项 | B | 20`), each line's problem named by its number. The words
read here are what the administrator types (the examples shown on the form are
texts/console/examples/)."""

from __future__ import annotations

from typing import Any

LEVELS = {"市": "city", "市州": "city", "省": "province", "省级": "province"}
KINDS = {"单选": "single", "多选": "multiple", "判断": "judge", "主观": "essay",
         "主观题": "essay"}


class LineError(ValueError):
    """A line that cannot be read (`what`: stage, question; no_stage, no_question when none
    is given): its words are texts/console/line/<what>.j2, naming the line's number."""

    def __init__(self, what: str, number: int = 0) -> None:
        super().__init__(what)
        self.what, self.number = what, number


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.replace("｜", "|").split("|")]


def stages(raw: str) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate((x for x in raw.splitlines() if x.strip()), start=1):
        cells = _cells(line)
        level = LEVELS.get(cells[1] if len(cells) > 1 else "")
        if not cells[0] or level is None:
            raise LineError("stage", n)
        out.append({"key": "stage_" + "abcdef"[min(n - 1, 5)], "title": cells[0],
                    "level": level, "by_industry": len(cells) > 2 and "行业" in cells[2]})
    if not out:
        raise LineError("no_stage")
    return out


def questions(raw: str) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate((x for x in raw.splitlines() if x.strip()), start=1):
        cells = _cells(line) + [""] * 5
        kind = KINDS.get(cells[0])
        if kind is None or not cells[1] or not cells[4].isdigit():
            raise LineError("question", n)
        options = [o.strip() for o in cells[2].replace("；", ";").split(";") if o.strip()]
        out.append({"id": str(n), "kind": kind, "text": cells[1], "options": options,
                    "answer": cells[3].upper(), "points": int(cells[4])})
    if not out:
        raise LineError("no_question")
    return out
