"""The record of access held to the files it describes (个人信息访问记录): a download read
back and its entry compared with what the file holds, both ways — the sheets and headings
are the export's declaration (services/audit/exports.py), the kinds the entry lists are
exactly those of the columns that hold a value, and the names, ID numbers, phones, emails
and bank account numbers found in the cells (in full or masked, by the people the
database knows and by their patterns) are exactly the ones the entry lists."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from aiohttp.test_utils import TestClient

from models.audit import AuditEntry
from models.draws import Invitation, Notice
from models.money.payouts import PayoutAccount
from models.people import Person
from models.wechat import WeChatIdentity
from services.audit import EXPORTS, MASKABLE, SERVED_AS, Export, Kind
from services.common.pii import ID_RE, PHONE_RE, mask_name
from tests.support.console import book
from tests.support.helpers import TEXTS
from tests.support.payouts import fees_ready, funded, record
from tests.support.sms import opened, sms_link
from web.context import DOMAIN

MASKED_ID = re.compile(r"(?<![0-9])[1-9][0-9]{5}\*{8}[0-9]{3}[0-9Xx](?![0-9])")
MASKED_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]\*{4}[0-9]{4}(?![0-9])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MASKED_EMAIL = re.compile(r"[A-Za-z0-9]\*{3}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
MASKED_ACCOUNT = re.compile(r"\*{4} \*{4} [0-9]{4}")
NUMBER = "6222 0212 3456 7890 123"  # an expert's bank account, as they type it


def export_of(op: str) -> Export:
    return SERVED_AS.get(op) or next(e for e in EXPORTS if e.op == op)


def read_file(data: bytes, export: Export) -> dict[str, list[tuple[Any, ...]]]:
    """The file's sheets by title, rows as tuples (a CSV is one sheet, its title the
    declaration's)."""
    if data.startswith(b"PK"):
        return book(data)
    text = data.decode("utf-8").removeprefix("\ufeff")
    title = export.sheets[0].heading(TEXTS)[0]
    return {title: [tuple(row) for row in csv.reader(io.StringIO(text))]}


async def identifiers(client: TestClient, sheets: dict[str, list[tuple[Any, ...]]]
                      ) -> set[tuple[str, str]]:
    """The identifying kinds the cells hold, [kind, full | masked] each: the database's
    people by name, and every ID number, phone, email and bank account number by its
    pattern (a venue's contact phone, public by rule, is none)."""
    cells = [str(c) for rows in sheets.values() for row in rows[1:] for c in row
             if c not in (None, "")]
    text = "\n".join(cells)
    public = {n.contact_phone for n in await Notice.all() if n.contact_phone}
    vault = client.app[DOMAIN].vault
    accounts = {vault.decrypt(a.number_enc, b"payout-account")
                for a in await PayoutAccount.exclude(number_enc="")}
    names = {p.name for p in await Person.all() if len(p.name) > 1}
    found: set[tuple[str, str]] = set()

    def seen(kind: Kind, full: bool, hit: bool) -> None:
        if hit:
            found.add((kind.value, "full" if full else "masked"))

    seen(Kind.NAME, True, any(n in c for n in names for c in cells))
    seen(Kind.NAME, False, any(mask_name(n) in c for n in names for c in cells if "*" in c))
    seen(Kind.ID_NUMBER, True, bool(ID_RE.search(text)))
    seen(Kind.ID_NUMBER, False, bool(MASKED_ID.search(text)))
    seen(Kind.PHONE, True, any(m.group("number") not in public
                               for m in PHONE_RE.finditer(text)))
    seen(Kind.PHONE, False, bool(MASKED_PHONE.search(text)))
    seen(Kind.EMAIL, True, any("*" not in m.group(0) for m in EMAIL.finditer(text)))
    seen(Kind.EMAIL, False, bool(MASKED_EMAIL.search(text)))
    seen(Kind.BANK_ACCOUNT, True, any(a in text.replace(" ", "") for a in accounts))
    seen(Kind.BANK_ACCOUNT, False, bool(MASKED_ACCOUNT.search(text)))
    return found


async def exact_access(client: TestClient, path: str, *, full: bool = False,
                       token: str | None = None
                       ) -> tuple[dict[str, list[tuple[Any, ...]]], AuditEntry]:
    """Download `path` as the signed-in desk and hold its access entry to the file: the
    file's sheets and headings are its export's, the entry lists the kinds of exactly the
    columns that hold a value (`full`: the export asked for in full), and the identifying
    data in the cells is exactly what the entry lists (`token`: as the API's caller, not
    the console's signed-in desk). The file and its entry."""
    resp = await client.get(path, headers={"Authorization": f"Bearer {token}"} if token
                            else None)
    assert resp.status == 200, (path, await resp.text())
    assert "attachment" in resp.headers["Content-Disposition"]
    data = await resp.read()
    entry = await AuditEntry.filter(action__in=("export", "download")).order_by("-id").first()
    assert entry is not None and entry.detail["op"].endswith(path.split("?")[0].rsplit(
        "/", 1)[-1]), entry
    export = export_of(entry.detail["op"])
    sheets = read_file(data, export)
    filled: set[tuple[str, str]] = set()
    assert list(sheets) == [s.heading(TEXTS)[0] for s in export.sheets], list(sheets)
    for declared, rows in zip(export.sheets, sheets.values(), strict=True):
        assert list(rows[0]) == declared.heading(TEXTS)[1], (declared.key, rows[0])
        filled |= {(declared.key, key) for i, key in enumerate(declared.keys)
                   if any(row[i] not in (None, "") for row in rows[1:])}
    listed = [list(pair) for pair in entry.detail.get("held", [])]
    assert listed == export.held_in(filled, full), (listed, filled)
    named = {(k, s) for k, s in listed if k in MASKABLE}
    assert await identifiers(client, sheets) == named, (path, named)
    return sheets, entry


async def bank_account_given(api: Any, chat: Any, client: TestClient, demo: dict,
                             platform: Any) -> tuple[int, Invitation, Person]:
    """A finished evaluation whose funded, approved fee sheet pays one expert (900.00
    yuan, 20.00 withheld) into a bank account they gave on the SMS's page (NUMBER), as an
    expert without the mini-program is paid: (activity, the invitation, the expert)."""
    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    await WeChatIdentity.filter(person_id=item.person_id).delete()
    person = await Person.get(id=item.person_id)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    assert (await record(api, aid, token, item, "900.00", "连续评审，经双方确认")).status == 200
    await funded(api, demo, aid, token)
    sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                          {"invitation_id": item.id})
    assert sent.status == 200, sent.data
    link = await sms_link(platform, person.phone or "", "/f/")
    _, csrf = await opened(client, link)
    given = await client.post(link, data={"holder": person.name, "bank": "中国工商银行天河支行",
                                          "number": NUMBER, "_csrf": csrf})
    assert given.status == 200, await given.text()
    return aid, item, person
