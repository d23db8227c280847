"""The tamper-evident audit trail (GB/T 22239-2019 level 3, 安全审计: "应对审计记录进行保护…避免
受到未预期的删除、修改或覆盖"): desks' sign-ins, refused sign-ins, changes, exports and sign-outs,
and every row of the draws' operation log, chained with HMAC-SM3 (GB/T 32905). An entry or an
operation-log row edited in the database, or an entry removed, is caught by `expertbot
audit-log verify` at the right place."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.context import TortoiseContext

from config.db.tortoise_mends import mend_transactions
from models.audit import AuditEntry, AuditHead
from models.draws import DrawLog
from models.people import Person, phone_is
from services.audit.chain import sm3
from services.common.clock import CHINA
from services.jobs import DOMAIN_CTX, anchor_audit
from tests.support.api import Api
from tests.support.cli import Expertbot
from tests.support.console import Desk
from tests.support.draw_world import drawn, make_experts, the_results_unseal
from tests.support.wechat import Chat
from web.context import DOMAIN


def test_sm3_is_the_standards_own() -> None:
    """GB/T 32905-2016, appendix A: the two examples."""
    assert sm3(b"abc") == ("66c7f0f462eeedd9d1f2d46bdc10e4e2"
                           "4167c4875cf2f7a2297da02b8f4ba8e0")
    assert sm3(b"abcd" * 16) == ("debe9ff92275b8a138604889c18e5a4d"
                                 "6fdb70e5387e5765293dcba39c0c5732")


async def test_desk_actions_and_the_operation_log_are_chained_and_tampering_is_found(
        api: Api, chat: Chat, client: TestClient, demo: dict, expertbot: Expertbot) -> None:
    await make_experts(client, 4)
    aid, _ = await drawn(api, chat, demo)  # start, invitations, answers: operation-log rows
    chain = client.app[DOMAIN].audit
    desk = Desk(client)
    refused = await desk.sign_in(demo["handler"].phone, "Wrong2026ok")
    assert refused.status == 400
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    await the_results_unseal(aid, datetime.now(UTC))
    exported = await client.get(f"/console/activities/{aid}/results.xlsx")
    assert exported.status == 200
    await desk.sign_out()
    await chain.chain_draw_logs(datetime.now(UTC))  # the worker's sweep, run now
    chained = await AuditEntry.filter(action="draw_log").count()
    assert chained == await DrawLog.all().count() > 0
    actions = [e.action for e in await AuditEntry.all().order_by("seq")]
    assert {"sign_in_failed", "sign_in", "export", "sign_out", "draw_log"} <= set(actions)
    failed = await AuditEntry.get(action="sign_in_failed")
    assert demo["handler"].phone not in str(failed.detail)  # the typed account masked
    assert (await chain.verify()).broken_at is None
    code, said = await expertbot("audit-log", "verify")
    assert code == 0 and "the chain holds" in said, said
    # someone with database access rewrites why a draw was paused: caught at its entry
    row = await DrawLog.filter(activity_id=aid).order_by("id").first()
    assert row is not None
    entry = next(e for e in await AuditEntry.filter(action="draw_log").order_by("id")
                 if e.detail["log"] == row.id)
    await DrawLog.filter(id=row.id).update(actor_name="别*人")
    found = await chain.verify()
    assert found.broken_at == entry.seq and "changed" in found.why
    auditor = Desk(client)  # the audit administrator reads the trail (三权分立)
    assert (await auditor.sign_in(demo["audit_admin"].phone)).status == 303
    _, page = await auditor.get("/console/audit-trail")
    assert f"审计链在第 {entry.seq} 条处断开" in page and "有记录被修改" in page
    _, changes = await auditor.get("/console/audit-trail?action=change")
    assert "修改数据" in changes and "提交" in changes  # the handler's submit, by its words
    code, said = await expertbot("audit-log", "verify")
    assert code == 1 and f"BROKEN at entry {entry.seq}" in said, said
    await DrawLog.filter(id=row.id).update(actor_name=row.actor_name)
    assert (await chain.verify()).broken_at is None
    # an entry's own words changed, then an entry removed
    signed = await AuditEntry.filter(action="sign_in").order_by("seq").first()
    assert signed is not None
    await AuditEntry.filter(id=signed.id).update(detail={**signed.detail, "how": "sms"})
    assert (await chain.verify()).broken_at == signed.seq
    await AuditEntry.filter(id=signed.id).update(detail=signed.detail)
    await AuditEntry.filter(id=signed.id).delete()
    gone = await chain.verify()
    assert gone.broken_at == signed.seq and "missing" in gone.why


async def test_the_nightly_anchor_catches_a_chain_cut_back_at_its_end(
        client: TestClient, expertbot: Expertbot, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """安全审计 c) again: whoever can write the database could delete the newest entries and
    move the chain's head back — the rest of the chain still holds. The nightly anchor (the
    chain's end, written to the JSON log that is shipped off the box) catches it: `verify
    --anchors` with the shipped log names the anchored entry that is gone."""
    chain = client.app[DOMAIN].audit
    now = datetime.now(UTC)
    for n in range(4):
        await chain.append("test_event", now, n=n)
    with caplog.at_level(logging.INFO, logger="expertbot.audit"):
        anchor = await anchor_audit({DOMAIN_CTX: client.app[DOMAIN]})  # the nightly job
    shipped = [r for r in caplog.records if getattr(r, "fields", {}).get("audit_anchor")]
    assert shipped and shipped[0].fields["audit_anchor"] == anchor  # type: ignore[attr-defined]
    log_file = tmp_path / "shipped.log"
    log_file.write_text("not json\n" + json.dumps({"msg": "audit anchor",
                                                   "audit_anchor": anchor}) + "\n")
    code, said = await expertbot("audit-log", "verify", "--anchors", str(log_file))
    assert code == 0 and "1 anchors agree" in said, said
    # the last two entries deleted, the head moved back to the one before them
    last = await AuditEntry.filter(seq__not_isnull=True).order_by("-seq").limit(3)
    await AuditEntry.filter(id__in=[e.id for e in last[:2]]).delete()
    await AuditHead.filter(id=1).update(seq=last[2].seq, mac=last[2].mac)
    assert (await chain.verify()).broken_at is None  # the chain alone cannot tell
    code, said = await expertbot("audit-log", "verify", "--anchors", str(log_file))
    assert code == 1 and f"anchored entry {anchor['seq']} is missing" in said, said
    code, said = await expertbot("audit-log", "verify", "--anchor",
                                 f"{anchor['seq']}:{anchor['mac']}")
    assert code == 1 and "cut back" in said, said


async def test_a_period_is_verified_by_the_chains_order_not_by_times(
        client: TestClient) -> None:
    """An operation-log row joins the chain with its own time, which can be earlier than the
    entry before it: verifying up to a moment takes every entry up to the last one of the
    period, in the chain's order, and does not call the later-timed one before it missing."""
    chain = client.app[DOMAIN].audit
    now = datetime.now(UTC)
    await chain.append("test_event", now)  # at now
    await chain.append("test_event", now - timedelta(hours=1))  # chained after, timed before
    found = await chain.verify(end=now - timedelta(minutes=30))
    assert found.broken_at is None and found.checked >= 2, found


async def test_the_auditor_pages_back_through_the_whole_trail_and_picks_a_day(
        client: TestClient, api: Api, demo: dict) -> None:
    """安全审计: the audit administrator reads every record, not only the newest: pages of 100
    back to the first, and one China day at a time (a day's bounds in China time: an entry at
    07:30 China time is 23:30 UTC of the day before)."""
    chain = client.app[DOMAIN].audit
    today = datetime.now(CHINA).date()
    day = today - timedelta(days=3)
    early = datetime.combine(day, time(7, 30), CHINA)
    await chain.append("test_event", early, marker="early")
    await chain.append("test_event", early - timedelta(hours=8), marker="day before")
    for n in range(130):
        await chain.append("test_event", datetime.now(UTC), n=n)
    token = await api.login(demo["audit_admin"].mp_openid)
    first = await api.call("GET", "/admin/audit-trail", token)
    assert first.status == 200 and len(first.data["entries"]) == 100
    seen = {e["seq"] for e in first.data["entries"]}
    before = first.data["earlier"]
    while before:
        page = await api.call("GET", "/admin/audit-trail", token, params={"before": str(before)})
        seen |= {e["seq"] for e in page.data["entries"]}
        before = page.data["earlier"]
    assert len(seen) == await AuditEntry.filter(seq__lt=max(seen) + 1).count()  # every one
    picked = await api.call("GET", "/admin/audit-trail", token,
                            params={"day": day.isoformat(), "action": "test_event"})
    assert [e["what"] for e in picked.data["entries"]] == ["early"]  # values, never keys
    # in the console: the day picked, then the earlier page
    desk = Desk(client)
    await desk.sign_in(demo["audit_admin"].phone)
    _, html = await desk.get("/console/audit-trail")
    assert "更早的记录" in html
    earlier = re.search(r'data-testid="earlier" href="([^"]+)"', html)
    assert earlier
    resp, older = await desk.get(earlier.group(1).replace("&amp;", "&"))
    assert resp.status == 200 and "<td>0</td>" in older


async def test_a_refused_change_is_on_the_trail_with_its_outcome(
        client: TestClient, api: Api, demo: dict) -> None:
    """安全审计 b) ("审计记录应包括事件的日期和时间、用户、事件类型、事件是否成功及其他与审计相关的
    信息"): a desk's change that was refused is an entry too, marked as not done with the
    refusal's words (without its parameters, which may name people); a change done is
    marked done."""
    admin = await api.login(demo["admin"].mp_openid)
    me = await Person.get(phone_is(demo["admin"].phone))
    own = await api.call("POST", "/admin/roles", admin,
                         {"person_id": me.id, "role": "audit_admin"})
    assert own.status == 403
    refused = await AuditEntry.filter(action="change").order_by("-id").first()
    assert refused is not None and refused.detail["outcome"] == "refused"
    auditor = await api.login(demo["audit_admin"].mp_openid)
    shown = (await api.call("GET", "/admin/audit-trail", auditor,
                            params={"action": "change"})).data["entries"]
    assert "未成功：不能给自己授予角色" in shown[0]["what"], shown[0]


async def test_a_desk_refused_at_another_roles_work_is_on_the_trail(
        client: TestClient, api: Api, demo: dict) -> None:
    """访问控制 and 安全审计: a handler who calls an administrator's endpoint, or opens an
    auditor's page, is refused (403) and the attempt is an entry, with what was tried; an
    expert refused the same way is not (no desk work is theirs to probe)."""
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/admin/audit-trail", handler)).status == 403
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    page, _ = await desk.get("/console/audit-trail")
    assert page.status == 403
    expert = await api.login(demo["expert"].mp_openid)
    assert (await api.call("GET", "/admin/audit-trail", expert)).status == 403
    denied = await AuditEntry.filter(action="access_denied").order_by("id")
    assert [e.detail["op"] for e in denied] == ["GET /admin/audit-trail",
                                                "GET /console/audit-trail"]
    assert all(e.person_id and e.actor_name for e in denied)  # who, masked
    auditor = await api.login(demo["audit_admin"].mp_openid)
    shown = (await api.call("GET", "/admin/audit-trail", auditor,
                            params={"action": "access_denied"})).data["entries"]
    assert len(shown) == 2 and all(e["title"] == "越权访问被拒绝" for e in shown)
    assert [e["what"] for e in shown] == [  # newest first: the console page, then the API
        "打开工作台页面「审计记录」；未成功：没有相应角色的权限",
        "使用「审计」功能；未成功：没有相应角色的权限"]


async def test_a_command_that_reads_then_writes_waits_for_another_process_instead_of_failing(
        tmp_path: Path) -> None:
    """On the embedded SQLite, `expertbot audit-log verify` chains the operation log (reads
    the chain's end, then appends) while the serve process and the worker write to the same
    file. A transaction that read first, and wrote after another process had committed,
    failed at once with "database is locked", whatever the busy timeout (it failed CI once);
    now a transaction holds the write lock from its start, the other process waits its turn
    and both writes land."""
    mend_transactions()  # as every process of the service does when it opens the database
    path = tmp_path / "library.sqlite3"
    async with TortoiseContext():
        ours = SqliteClient(file_path=str(path), connection_name="command")
        await ours.create_connection(with_db=True)
        try:
            await _read_then_write_beside(ours, path)
        finally:
            await ours.close()


async def _read_then_write_beside(ours: SqliteClient, path: Path) -> None:
    """Another process writes between our transaction's read and its write."""
    await ours.execute_script("CREATE TABLE head (id INTEGER PRIMARY KEY, seq INTEGER); "
                              "INSERT INTO head VALUES (1, 7)")
    other = ("import sqlite3, sys; db = sqlite3.connect(sys.argv[1], timeout=10, "
             "isolation_level=None); print('ready', flush=True); "
             "db.execute('UPDATE head SET seq = seq + 1'); db.close()")
    async with ours._in_transaction() as tx:
        _, rows = await tx.execute_query("SELECT seq FROM head WHERE id = 1")
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-c", other, str(path), stdout=asyncio.subprocess.PIPE)
        assert worker.stdout is not None
        assert await asyncio.wait_for(worker.stdout.readline(), 15) == b"ready\n"
        await asyncio.sleep(0.2)  # its write (a few milliseconds) is done, or waits for us
        await tx.execute_query("UPDATE head SET seq = ? WHERE id = 1", [rows[0][0] + 1])
    assert await asyncio.wait_for(worker.wait(), 15) == 0
    _, rows = await ours.execute_query("SELECT seq FROM head WHERE id = 1")
    assert rows[0][0] == 9  # both landed, one after the other
