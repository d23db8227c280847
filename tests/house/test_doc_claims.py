"""What the README and the docs say the product does, held against what it does: the audit
trail's pages (docs/console.md), when an evaluation's fees open (docs/fees.md), the demo users
the start-up names and the settings production cannot start without (README.md), the
roles the sign-in page and the sandbox's header name, and when a key that ends is told
(docs/rules-that-are-ours.md). Each claim is quoted from its page, so that a change of
either side fails here."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer

from config.settings import Settings, SettingsError
from config.settings.redis import RedisSentinelSettings
from models.draws import Invitation
from services.common.clock import china_today
from services.demo import banner
from tests.support.api import Api
from tests.support.draw_world import drawn, make_experts, the_evaluation_starts_now
from tests.support.fees import publish
from tests.support.wechat import Chat
from web.context import DOMAIN

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONSOLE_JS = (ROOT / "console/static/console.js").read_text()


def claims(page: str, text: str) -> bool:
    """Whether the page (a path from the repository's root) says the text, however the
    lines break."""
    said = re.sub(r"\s+", " ", (ROOT / page).read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", text) in said


async def test_the_audit_trail_reads_100_entries_a_request_back_to_the_first(
        api: Api, client: TestClient, demo: dict) -> None:
    assert claims("docs/console.md",
                  "审计记录 (100 entries a request, 更早的记录 back to the first entry, the "
                  "console's table showing them 20 rows at a time")
    chain, now = client.app[DOMAIN].audit, datetime.now(UTC)
    for n in range(105):
        await chain.append("sign_in", now, person_id=1, name="周平", n=n)
    auditor = await api.login(demo["audit_admin"].mp_openid)
    first = await api.call("GET", "/admin/audit-trail", auditor)
    assert len(first.data["entries"]) == 100 and first.data["earlier"]
    rest = await api.call("GET", "/admin/audit-trail", auditor,
                          params={"before": str(first.data["earlier"])})
    assert rest.status == 200 and 5 <= len(rest.data["entries"]) < 100, rest.data
    assert not rest.data["earlier"]
    assert "const SIZE = 20;" in CONSOLE_JS


async def test_fees_open_once_everyone_who_served_has_left_before_the_expected_end(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """Not an on-site project, its expected end hours away: refused while an expert is still
    there, recorded once both have checked out."""
    assert claims("docs/fees.md",
                  "once it is over, or — on site or not — once every expert who served has "
                  "checked out (评标结束后（… 或全部专家离场后）), the agency records each "
                  "expert's fee")
    await make_experts(client, 4)
    assert (await publish(api, demo, china_today(datetime.now(UTC)))).status == 200
    aid, token = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now - timedelta(hours=3))
    first, second = await Invitation.filter(activity_id=aid, status="confirmed").order_by("id")
    await Invitation.filter(id__in=[first.id, second.id]).update(
        checkin_at=now - timedelta(hours=3))
    await Invitation.filter(id=first.id).update(checkout_at=now - timedelta(minutes=5))
    body = {"amount_yuan": "400.00", "paid": False, "reason": ""}
    early = await api.call("PUT", f"/draws/activities/{aid}/fees/{first.id}", token, body)
    assert early.status == 400 and "或全部专家离场后" in early.message, early.data
    await Invitation.filter(id=second.id).update(checkout_at=now - timedelta(minutes=1))
    opened = await api.call("PUT", f"/draws/activities/{aid}/fees/{first.id}", token, body)
    assert opened.status == 200, opened.data


def test_the_start_up_names_every_demo_user_the_readme_lists() -> None:
    table = README.split("| key | name | role | phone | notes |")[1].split("\n\n")[0]
    keys = re.findall(r"^\| `([a-z_]+)` \|", table, re.M)
    others = re.findall(r"^\| — \| (\S+) \|.*?`(o_demo_\w+)`", table, re.M)
    assert len(keys) >= 13 and len(others) == 2, (keys, others)
    said = "\n".join(banner())
    for key in keys:
        assert re.search(rf"^{key}\s", said, re.M), key
    assert "o_demo_visitor" in said and "郑小雨" in said
    assert "Demo2026ok" not in said and not re.search(r"1380000\d{4}", said)


def test_production_starts_with_exactly_the_settings_the_readme_lists(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's table under "Deploying it" names what production cannot start without:
    with those alone the settings load, and without any one of them they refuse, naming it."""
    table = README.split("## Deploying it")[1].split("| variable | what |")[1].split("\n\n")[0]
    listed = {name for cells in re.findall(r"^\| ([^|]+) \|", table, re.M)
              for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cells)}
    assert len(listed) >= 10, listed
    for cls in (Settings, RedisSentinelSettings):
        for field in cls.model_fields.values():
            monkeypatch.delenv(str(field.validation_alias), raising=False)
    values = {name: "x" for name in listed} | {
        "EXPERTBOT_ENV": "production", "PUBLIC_BASE_URL": "https://bot.example.cn",
        "SMS_PROVIDER": "log", "WECHAT_SANDBOX": "0"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    assert Settings().is_production
    for name in sorted(listed - {"EXPERTBOT_ENV"}):
        monkeypatch.delenv(name)
        with pytest.raises(SettingsError, match=name):
            Settings()
        monkeypatch.setenv(name, values[name])


async def test_the_sign_in_page_names_every_desk_role(client: TestClient) -> None:
    page = await (await client.get("/console/sign-in")).text()
    for role in ("代理机构", "核验员", "审核人员", "财务人员", "系统管理员", "安全管理员",
                 "审计管理员"):
        assert role in page, role


async def test_the_sandbox_opens_the_console_as_every_desk_role(sandbox: TestServer) -> None:
    async with ClientSession() as session, session.get(sandbox.make_url("/sandbox/")) as got:
        header = await got.text()
    for key in ("handler", "agency_legal", "verifier", "reviewer", "admin", "finance",
                "security_admin", "audit_admin"):
        assert f"/sandbox/console-as?key={key}\"" in header, key


def test_keys_are_told_30_and_7_days_before_and_once_past() -> None:
    """docs/rules-that-are-ours.md and docs/security.md say when a key that ends is told;
    services/admin/key_dates.py tells it then."""
    from datetime import date

    from services.admin import KeyDate
    from services.admin.key_dates import WARN_DAYS, level_of
    from services.common.clock import CHINA, end_of_china_day

    assert claims("docs/rules-that-are-ours.md", "30 days before its last day (China), again "
                  "from 7 days, and once it has passed")
    assert claims("docs/security.md", "that ends within 30 days, within 7, or has ended")
    assert WARN_DAYS == (30, 7)
    last = date(2027, 6, 30)
    key = KeyDate("sm4", "1", end_of_china_day(last), False)

    def told(days_before: int) -> str | None:
        now = datetime(2027, 6, 30, 12, tzinfo=CHINA) - timedelta(days=days_before)
        got = level_of(key, now)
        return got.level if got else None

    assert [told(d) for d in (31, 30, 7, 0, -1)] == [None, "30", "7", "7", "past"]
