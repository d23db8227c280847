"""The administrator's forms read into the API's bodies: a batch's stages, one a line
(`市州行业部门预审 | 市 | 按行业`), and an exam's questions, one a line
(`单选 | 题目 | A选项; B选项 | B | 20`), each line's problem named by its number."""

from __future__ import annotations

from typing import Any

LEVELS = {"市": "city", "市州": "city", "省": "province", "省级": "province"}
KINDS = {"单选": "single", "多选": "multiple", "判断": "judge", "主观": "essay",
         "主观题": "essay"}
STAGE_DEFAULT = ("市州行业部门预审 | 市 | 按行业\n省行业部门审核 | 省 | 按行业\n"
                 "省级复审 | 省\n终审 | 省")
QUESTION_EXAMPLE = ("单选 | 评标委员会成员人数为几人以上单数？ | 三人; 五人; 七人 | B | 20\n"
                    "判断 | 评标专家可以私下接触投标人。 |  | F | 10\n"
                    "主观 | 简述评标专家的回避情形。 |  |  | 20")


class LineError(ValueError):
    """A line that cannot be read: the message names it."""


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.replace("｜", "|").split("|")]


def stages(raw: str) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate((x for x in raw.splitlines() if x.strip()), start=1):
        cells = _cells(line)
        level = LEVELS.get(cells[1] if len(cells) > 1 else "")
        if not cells[0] or level is None:
            raise LineError(f"审核环节第{n}行：请写成“环节名称 | 市 或 省 | 按行业（可省略）”。")
        out.append({"key": "stage_" + "abcdef"[min(n - 1, 5)], "title": cells[0],
                    "level": level, "by_industry": len(cells) > 2 and "行业" in cells[2]})
    if not out:
        raise LineError("请至少填写一个审核环节。")
    return out


def questions(raw: str) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate((x for x in raw.splitlines() if x.strip()), start=1):
        cells = _cells(line) + [""] * 5
        kind = KINDS.get(cells[0])
        if kind is None or not cells[1] or not cells[4].isdigit():
            raise LineError(f"试题第{n}行：请写成“题型 | 题目 | 选项（用分号分隔）| 答案 | 分值”，"
                            "题型为单选、多选、判断或主观。")
        options = [o.strip() for o in cells[2].replace("；", ";").split(";") if o.strip()]
        out.append({"id": str(n), "kind": kind, "text": cells[1], "options": options,
                    "answer": cells[3].upper(), "points": int(cells[4])})
    if not out:
        raise LineError("请至少填写一道试题。")
    return out
