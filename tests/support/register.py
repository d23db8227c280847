"""A register of experts as an office moves it in: the template's header, rows, the file."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from services.demo_codes import demo_credit_code, demo_id
from services.people.register.rows import COLUMNS

HEADER = [w + "*" if k in ("name", "id_number", "phone", "expert_number", "work_unit",
                           "region", "primary") else w for k, w in COLUMNS.items()]


UNIT = "韶关市建设工程质量检测站"


def person_id(n: int) -> str:
    return demo_id("440203", date(1968, 1, 1).replace(day=1 + n % 28), 100 + n, n % 2 == 0)


def row(n: int, **over: str) -> list[str]:
    values = {"name": f"钱{'一二三四五六七八九十'[n % 10]}{n}", "id_number": person_id(n),
              "phone": f"1370000{n:04d}", "expert_number": f"SG-{n:05d}",
              "work_unit": UNIT, "unit_credit_code": demo_credit_code(900),
              "region": "韶关市武江区", "willing_regions": "韶关市、广州市",
              "primary": "A0401", "alternate": "A0402", "title_name": "高级工程师",
              "title_level": "副高", "industry": "", "status": "在库", "email": "",
              "remote_ok": "", "emergency_ok": "", "account": "", **over}
    return [values[k] for k in COLUMNS]


def register(*rows: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
