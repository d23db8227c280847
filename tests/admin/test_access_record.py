"""个人信息访问记录 is exact (PIPL Art. 51): every download the service offers is declared
with what it holds (services/audit/exports.py), or as holding nobody's personal data, or as
one person's document; a file's rows are written only through their declaration, which is
also what its entry lists; and finance's reading of an expert's whole bank account number
is an entry of its own, naming whose, what and why (a refused reading is none). Each
export's file is read back and held to its entry in the tests that make it
(tests/support/access.py exact_access)."""

from __future__ import annotations

import ast
import re

import pytest
from aiohttp.test_utils import TestClient

import console.pages  # noqa: F401  (registers the console's pages)
from config.settings import ROOT
from console.app import EXPORTS as CONSOLE_FILES
from console.pages import every_page
from miniapp_api.routes import api as collect
from models.audit import AuditEntry
from sandbox.pay.gateway import PayGateway
from sandbox.platform import Platform
from services.audit import (
    EXPORTS,
    ONE_PERSON,
    SERVED_AS,
    WITHHOLDING,
    WITHOUT_PEOPLE,
    Filled,
    Kind,
)
from services.common.pii import mask_name
from tests.support.access import bank_account_given
from tests.support.api import Api
from tests.support.helpers import TEXTS
from tests.support.wechat import Chat

CHINESE = re.compile(r"[\u4e00-\u9fff]")
TABLES = ("spreadsheetml", "text/csv", "ms-excel")
# the modules that write a spreadsheet or a CSV file, and why each may: a new one is a
# download that has not said what it holds
WRITERS = {
    "console/xlsx.py": "every console workbook, from its export's declaration (Filled)",
    "miniapp_api/routes/payments/invoices.py": "the invoice list, from INVOICES (Filled)",
    "services/admin/statistics_sheets.py": "counts: nobody's personal data",
    "services/draws/setup/templates.py": "blank forms and templates",
    "services/people/register/imports.py": "the register import's blank template",
}


def test_every_download_is_declared_with_what_it_holds() -> None:
    """The API's downloads (an endpoint declaring files) and the console's (a page serving
    one) are each declared once: an export with its columns, a download holding nobody's
    personal data, or one person's document; a table of people is never a document, and
    nothing is declared that is no longer offered."""
    endpoints = {ep.handler: ep for ep in collect().endpoints}
    api_files = {f"GET {ep.path}": ep.files for ep in endpoints.values()
                 if ep.method == "GET" and ep.files}
    console_files = {f"GET /console{p.path}" for p in every_page() if p.method == "GET" and (
        p.path.endswith(CONSOLE_FILES) or (p.uses in endpoints and endpoints[p.uses].files))}
    offered = set(api_files) | console_files
    exports = {e.op for e in EXPORTS} | set(SERVED_AS)
    declared = [*exports, *WITHOUT_PEOPLE, *ONE_PERSON]
    assert len(declared) == len(set(declared)), "a download declared twice"
    assert offered - set(declared) == set(), \
        "a download that does not say what it holds: declare it in services/audit/exports.py"
    assert set(declared) - offered == set(), "declared, but no longer offered"
    tables = {op for op in offered if op.endswith((".xlsx", ".csv"))
              or any(t in m for m in api_files.get(op, ()) for t in TABLES)}
    assert tables & ONE_PERSON == set(), "a table of people is an export: declare its columns"


def test_each_export_has_its_words() -> None:
    """Every sheet's title and heading, every kind a column holds and every purpose reads in
    Chinese: no key reaches a file or the record."""
    for export in EXPORTS:
        assert CHINESE.search(TEXTS.word("access_purpose", export.why)), export.op
        for sheet in export.sheets:
            title, headings = sheet.heading(TEXTS)
            assert CHINESE.search(title), sheet.key
            for key, heading in zip(sheet.keys, headings, strict=True):
                assert heading != key and CHINESE.search(heading), (sheet.key, key)
    for kind in Kind:
        assert CHINESE.search(TEXTS.word("personal_field", kind)), kind


def test_only_declared_writers_write_tables() -> None:
    """A spreadsheet or a CSV is written in the modules listed above, each for its reason:
    a new writer fails here until its download is declared (and, holding people's data,
    written through its declaration)."""
    writing = set()
    for folder in ("console", "miniapp_api", "web", "handlers", "services", "sandbox"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text())
            names = {n.attr if isinstance(n, ast.Attribute) else n.id for n in ast.walk(tree)
                     if isinstance(n, ast.Attribute | ast.Name)}
            if {"Workbook", "writer", "DictWriter"} & names and (
                    "openpyxl" in path.read_text() or "csv" in path.read_text()):
                writing.add(str(path.relative_to(ROOT)))
    assert writing == set(WRITERS), writing ^ set(WRITERS)


def test_a_row_is_written_only_as_declared() -> None:
    """A row with a column more or less than its sheet declares is refused before it is
    written; the entry's kinds are those of the columns that held a value."""
    (sheet,) = WITHHOLDING.sheets
    row = dict.fromkeys(sheet.keys, "")
    filled = Filled(WITHHOLDING)
    with pytest.raises(ValueError):
        list(filled.lines(sheet, [{**row, "phone": "13800000002"}]))
    with pytest.raises(ValueError):
        list(filled.lines(sheet, [{k: v for k, v in row.items() if k != "id_number"}]))
    assert list(filled.lines(sheet, [{**row, "name": "李建国", "gross": 900}])) == [
        [{**row, "name": "李建国", "gross": 900}[k] for k in sheet.keys]]
    assert filled.held(True) == [["name", "full"], ["fee", ""]]  # no ID number was written


async def test_finance_reading_a_whole_account_number_is_on_the_record(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform,
        pay_gateway: PayGateway) -> None:
    aid, item, person = await bank_account_given(api, chat, client, demo, platform)
    path = f"/finance/fee-sheets/{aid}/accounts/{item.id}/number"
    agency = await api.login(demo["handler"].mp_openid)
    assert (await api.call("POST", path, agency)).status == 403
    assert not await AuditEntry.filter(action="read_full").exists()  # refused: none read
    finance = await api.login(demo["finance"].mp_openid)
    shown = await api.call("POST", path, finance)
    assert shown.status == 200 and shown.data["number"] == "6222021234567890123"
    read = await AuditEntry.get(action="read_full")
    assert read.detail["held"] == [["name", "full"], ["bank_account", "full"]]
    op = "POST /finance/fee-sheets/{activity_id}/accounts/{invitation_id}/number"
    # the agency's attempt refused, then finance's reading: one entry, not a change besides
    kept = await AuditEntry.all().order_by("id")  # in the order written (PostgreSQL: any)
    assert [e.action for e in kept if e.detail.get("op") == op] == [
        "access_denied", "read_full"]
    auditor = await api.login(demo["audit_admin"].mp_openid)
    (entry, *_) = (await api.call("GET", "/admin/access-log", auditor)).data["entries"]
    assert entry["title"] == "完整读取个人信息" and entry["held"] == ["完整姓名", "完整银行账号"]
    assert entry["purpose"] == "向专家的银行账户转账支付劳务费"
    assert entry["what"].startswith("查看专家的完整收款账号：")
    assert f"专家 {mask_name(person.name)}" in entry["what"]
    assert entry["what"].endswith(
        "（完整姓名、完整银行账号；用途：向专家的银行账户转账支付劳务费）")
    assert "6222" not in str(entry) and person.name not in str(entry)
