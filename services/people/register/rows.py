"""The rows of an existing expert register (a province's old system exported to Excel), read
and checked one by one: what each column must hold, and the words of every refusal, by row
number and column, never repeating an ID number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from services.common.errors import BadInput, DomainError
from services.common.sheets import Table
from services.people.identity_rules import IdentityRules, normalise_identifier
from services.people.particulars import TITLE_LEVELS
from services.reference import Catalogue, Regions

# the template's header, in order (* in the template: required); a column is found by its
# header word wherever it stands
COLUMNS = {"name": "姓名", "id_number": "身份证号", "phone": "手机号",
           "expert_number": "专家编号", "work_unit": "工作单位",
           "unit_credit_code": "统一社会信用代码", "region": "常驻地区",
           "willing_regions": "意愿评标区", "primary": "首选专业", "alternate": "备选专业",
           "title_name": "职称名称", "title_level": "职称级别", "industry": "行业主管部门",
           "status": "状态", "email": "邮箱", "remote_ok": "是否接受异地评标",
           "emergency_ok": "是否愿意成为应急专家", "account": "原账号"}
REQUIRED = ("name", "id_number", "phone", "expert_number", "work_unit", "region", "primary")
EXAMPLE = {"name": "张伟", "phone": "13800000000",
           "expert_number": "GD2019000123", "work_unit": "广州市第一建筑工程有限公司",
           "unit_credit_code": "", "region": "广东省广州市天河区",
           "willing_regions": "广州市、佛山市", "primary": "A0401", "alternate": "A0402",
           "title_name": "高级工程师", "title_level": "副高", "industry": "住建",
           "status": "在库", "email": "", "remote_ok": "是", "emergency_ok": "否",
           "account": "zhangwei"}
STATUS = {"在库": True, "正常": True, "启用": True, "暂停": False, "停用": False, "出库": False,
          "注销": False, "": True}
# XJ-SIGNUP's 是否接受异地评标 and 是否愿意成为应急专家; blank: the register does not say
# (register_import keeps an answer already on record, and takes 是 to 异地 and 否 to 应急
# for a new expert: docs/rules-that-are-ours.md)
YES_NO = {"是": True, "否": False, "": None}
SEPARATORS = re.compile(r"[、，,；;\s]+")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIST_MAX = 10


@dataclass(frozen=True)
class Refusal:
    row: int
    column: str  # the header word
    error: DomainError  # texts/errors/register/ (or the identity rules' own)


@dataclass
class ExpertRow:
    row: int
    name: str
    id_number: str  # never shown: its keyed hash finds the person
    phone: str
    expert_number: str
    work_unit: str
    unit_credit_code: str | None
    region: str
    willing_regions: list[str]
    primary: list[str]
    alternate: list[str]
    title_name: str | None
    title_level: str | None
    industry: str | None
    active: bool
    email: str | None
    remote_ok: bool | None = None  # 是否接受异地评标 (None: not in the register)
    emergency_ok: bool | None = None  # 是否愿意成为应急专家 (None: not in the register)
    account: str | None = None  # 原账号 (XJ-CE), normalised as the sign-in normalises it
    refusals: list[Refusal] = field(default_factory=list)


def columns(header: list[str]) -> tuple[dict[str, int], list[Refusal]]:
    found = {key: header.index(word) for key, word in COLUMNS.items() if word in header}
    # a header word with its required mark (姓名*) counts too
    for index, word in enumerate(header):
        key = next((k for k, w in COLUMNS.items() if word.rstrip("*＊ ") == w), None)
        if key is not None:
            found.setdefault(key, index)
    missing = [Refusal(1, COLUMNS[k], BadInput("register.missing_column", column=COLUMNS[k]))
               for k in REQUIRED if k not in found]
    return found, missing


def read_row(number: int, values: list[str], at: dict[str, int], regions: Regions,
             cat: Catalogue) -> ExpertRow:
    """One row, every problem of it in `refusals` (none: ready to import)."""
    def cell(key: str) -> str:
        index = at.get(key)
        return values[index].strip() if index is not None and index < len(values) else ""

    refusals: list[Refusal] = []

    def refuse(key: str, error: DomainError) -> None:
        refusals.append(Refusal(number, COLUMNS[key], error))

    def checked(key: str, parse: object) -> str:
        try:
            return parse(cell(key))  # type: ignore[operator,no-any-return]
        except DomainError as exc:
            refuse(key, exc)
            return ""

    for key in REQUIRED:
        if not cell(key):
            refuse(key, BadInput("register.required", column=COLUMNS[key]))
    name = cell("name")
    if name and not 2 <= len(name) <= 32:
        refuse("name", BadInput("register.name"))
    id_number = checked("id_number", lambda v: IdentityRules.parse_id_number(v).value) if \
        cell("id_number") else ""
    phone = checked("phone", IdentityRules.parse_phone) if cell("phone") else ""
    code = checked("unit_credit_code", IdentityRules.parse_credit_code) \
        if cell("unit_credit_code") else None
    region = regions.resolve(cell("region")) if cell("region") else ""
    if region is None:
        refuse("region", BadInput("register.region", value=cell("region")))
    willing = []
    for part in SEPARATORS.split(cell("willing_regions"))[:LIST_MAX]:
        if part:
            place = regions.resolve(part)
            if place is None:
                refuse("willing_regions", BadInput("register.region", value=part))
            willing.append(place or "")
    specialties: dict[str, list[str]] = {}
    for key in ("primary", "alternate"):
        specialties[key] = [c for c in SEPARATORS.split(cell(key).upper()) if c][:LIST_MAX]
        for code_ in specialties[key]:
            if cat.get(code_) is None or cat.level_of_code(code_) == 0:
                refuse(key, BadInput("register.specialty", code=code_))
    level = cell("title_level")
    if level and level not in TITLE_LEVELS:
        refuse("title_level", BadInput("register.title_level", levels="、".join(TITLE_LEVELS)))
    status = cell("status")
    if status not in STATUS:
        refuse("status", BadInput("register.status", value=status))
    for key in ("remote_ok", "emergency_ok"):
        if cell(key) not in YES_NO:
            refuse(key, BadInput("register.yes_no", column=COLUMNS[key], value=cell(key)))
    email = cell("email")
    if email and not EMAIL.match(email):
        refuse("email", BadInput("register.email"))
    account = normalise_identifier(cell("account")) if cell("account") else ""
    if account and not 2 <= len(account) <= 64:
        refuse("account", BadInput("people.old_account_length", min=2, max=64))
    if len(cell("expert_number")) > 32 or len(cell("work_unit")) > 128:
        refuse("expert_number" if len(cell("expert_number")) > 32 else "work_unit",
               BadInput("register.too_long"))
    return ExpertRow(
        row=number, name=name, id_number=id_number, phone=phone,
        expert_number=cell("expert_number"), work_unit=" ".join(cell("work_unit").split()),
        unit_credit_code=code, region=region or "", willing_regions=willing,
        primary=specialties["primary"],
        alternate=[c for c in specialties["alternate"] if c not in specialties["primary"]],
        title_name=cell("title_name")[:64] or None, title_level=level or None,
        industry=cell("industry")[:16] or (cat.industry(specialties["primary"][0])
                                           if specialties["primary"] else None),
        active=STATUS.get(status, True), email=email or None,
        remote_ok=YES_NO.get(cell("remote_ok")), emergency_ok=YES_NO.get(cell("emergency_ok")),
        account=account or None, refusals=refusals)


def read_rows(table: Table, regions: Regions, cat: Catalogue
              ) -> tuple[list[ExpertRow], list[Refusal]]:
    """Every row of the sheet, and the header's problems (a missing column: no row read).
    A row repeating an earlier row's ID number, phone or expert number is refused."""
    at, missing = columns(table.header)
    if missing:
        return [], missing
    rows = [read_row(n, values, at, regions, cat) for n, values in table.rows]
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        for key, value in (("id_number", row.id_number), ("phone", row.phone),
                           ("expert_number", row.expert_number), ("account", row.account)):
            if not value:
                continue
            first = seen.setdefault((key, value), row.row)
            if first != row.row:
                row.refusals.append(Refusal(row.row, COLUMNS[key], BadInput(
                    "register.repeated", column=COLUMNS[key], first=first)))
    return rows, []


EXAMPLE_ID = "11010519491231002X"  # GB 11643's own example number
