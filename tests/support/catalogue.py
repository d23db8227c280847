"""Specialty catalogues as an administrator uploads them: a good sheet, one with mistakes."""

from __future__ import annotations

import io

from openpyxl import Workbook

# GD-DRAW's own codes: 一级 (A01)规划 and (A08)工程施工, under the category A 工程
GOOD = """代码,名称,上级代码,层级,行业主管部门
A,工程,,0,
A01,规划,A,1,住建
A0101,城乡规划,A01,2,
A08,工程施工,A,1,住建
A0801,房屋建筑工程施工,A08,2,
A080101,土建施工,A0801,3,
A080102,装饰装修施工,A0801,3,
A0802,市政工程施工,A08,2,
"""


BAD = """代码,名称,上级代码,层级
A,工程,,0
A08,工程施工,A,1
A0801,房屋建筑工程施工,A08,2
A0801,重复的一行,A08,2
A080101,土建施工,A0899,3
A080102,,A0801,3
A080103,层级不对,A0801,2
"""


def workbook(text: str) -> bytes:
    """The same table as an Excel file, as an administrator saves it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in text.strip().splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
