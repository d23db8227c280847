"""The record in words: a person at a desk reads Chinese words, names, yuan and
China time on every page, never a stored value (`xinjiang`, `paid`, `notify`), an amount in
fen, a UTC timestamp or a numbered placeholder for a person ("专家#3"). Every console page a
desk role reaches from its menu and the links on its pages is read after a day's work: a
draw ended and unsealed, one refused, the demo's batches, application and orders."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from models.draws import DrawActivity, Invitation
from services.common.clock import CHINA
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import drawn, make_experts, prepared, the_results_unseal
from tests.support.wechat import Chat

# what a stored value, an English word or a UTC time looks like in a page's visible text
RAW = [re.compile(p) for p in (
    r"\b[a-z]+_[a-z_]+\b",  # snake_case keys
    r"\b(new|paid|notify|pending|sent|failed|done|draft|submitted|verified|refused|ended|"
    r"city|province|xinjiang|hunan|jilin|approve|reject|return|residence|willing|unit|"
    r"person|normal|redraw|reeval|supplement|official_account|sms|voice|miniapp|true|false|"
    r"None|null|collect|renew|change|transfer|open|closed|closing|creating|refunded|"
    r"duplicate|reconcile|renewal)\b",
    r"\d{4}-\d{2}-\d{2}T\d", r"\+00:00", r"\bUTC\b", r"#\d+", r"\bfen\b")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK = re.compile(r'href="([^"#]+)"')


def visible(page: str) -> list[str]:
    """The page's text as a person reads it: no scripts, styles, attributes or values."""
    page = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", page)
    return [line.strip() for line in html.unescape(re.sub(r"<[^>]+>", "\n", page)).splitlines()
            if line.strip()]


def cells(book: bytes) -> list[str]:
    """An Excel download's cells as text, row by row."""
    sheets = load_workbook(io.BytesIO(book), read_only=True)
    return [" | ".join("" if v is None else str(v) for v in row)
            for sheet in sheets.worksheets for row in sheet.iter_rows(values_only=True)]


async def read_every_page(desk: Desk, limit: int = 80) -> dict[str, list[str]]:
    """Each page reachable from the home page (GET, console only): the raw values seen."""
    seen: set[str] = set()
    todo, raw = ["/console/home"], {}
    while todo and len(seen) < limit:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        resp, text = await desk.get(path, follow=False)
        if resp.status == 200 and resp.content_type == XLSX:
            lines = cells(await resp.read())
        elif resp.status == 200 and resp.content_type.startswith("text/html"):
            lines = visible(text)
        else:
            continue
        for href in LINK.findall(text):
            url = urlsplit(urljoin("http://desk" + path, html.unescape(href)))
            if url.netloc == "desk" and url.path.startswith("/console/") and \
                    "/static/" not in url.path and "sign-out" not in url.path:
                todo.append(url.path + (f"?{url.query}" if url.query else ""))
        for line in lines:
            hits = [m.group(0) for rx in RAW for m in rx.finditer(line)]
            if hits:
                raw.setdefault(path, []).append(f"{hits}: {line[:80]}")
    assert len(seen) > 2, "the crawl found no pages: signed in?"  # a security admin has 3
    return raw


async def test_no_desk_page_shows_a_stored_value_an_english_word_or_a_utc_time(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    aid, _ = await drawn(api, chat, demo, total=2)
    await the_results_unseal(aid, datetime.now(UTC))
    refused, _ = await prepared(api, demo, total=1, verify=False)
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{refused}", verifier,
                           {"approve": False, "reason": "回避名单不全"})).status == 200
    desk = Desk(client)
    found = {}
    for role in ("handler", "agency_legal", "verifier", "reviewer", "reviewer_final", "admin",
                 "security_admin", "audit_admin"):
        assert (await desk.sign_in(demo[role].phone)).status == 303
        if raw := await read_every_page(desk):
            found[role] = raw
        await desk.sign_out()
    assert not found, "\n".join(f"{role} {path}: {line}" for role, pages in found.items()
                                for path, lines in pages.items() for line in lines)


async def test_the_agency_reads_how_experts_were_reached_and_checks_the_randomness(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW's record of each notice (通知情况) and the draw's check: channels and answers
    in words, the seed revealed after the end and the order found consistent with it."""
    await make_experts(client, 4)
    aid, _ = await drawn(api, chat, demo, total=2)
    desk = Desk(client)
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    _, reached = await desk.get(f"/console/activities/{aid}/contacts")
    table = reached.split('data-testid="contacts"')[1]
    confirmed = await Invitation.filter(activity_id=aid, status="confirmed").count()
    assert confirmed == 2 and table.count("公众号回复") == confirmed
    assert "参加" in table and "短信：" in table  # these experts never followed WeChat
    _, checked = await desk.get(f"/console/activities/{aid}/audit")
    assert "一致：抽取顺序与公布的种子和候选池相符" in checked
    seed = (await DrawActivity.get(id=aid)).seed
    assert seed and seed in checked  # revealed once the draw ended


async def test_the_administrator_sees_the_day_and_any_draws_log(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """The administrator's desk: today's evaluations across agencies (one unsealed today
    here), counted on the home page, each with its operation log."""
    aid, _ = await drawn(api, chat, demo, total=2)
    await the_results_unseal(aid, datetime.now(UTC))  # its evaluation is now today
    desk = Desk(client)
    assert (await desk.sign_in(demo["admin"].phone)).status == 303
    _, home = await desk.get("/console/home")
    assert 'data-testid="admin-desk"' in home and "今日评标的抽取活动" in home
    evaluated = (await DrawActivity.get(id=aid)).eval_start.astimezone(CHINA).date()
    _, day = await desk.get(f"/console/draws?day={evaluated.isoformat()}")  # near midnight too
    row = day.split(f'data-testid="draw-{aid}"')[1].split("</tr>")[0]
    assert "广州市示例招标代理有限公司" in row and "抽取完成" in row
    assert "广州市公共资源交易中心" in row  # the centre that verified it, by its name
    _, log = await desk.get(f"/console/draws/{aid}/log")
    assert "提交核验" in log and "核验通过" in log and "开始抽取" in log
    handler = Desk(client)
    await desk.sign_out()
    assert (await handler.sign_in(demo["handler"].phone)).status == 303
    refused, _ = await handler.get("/console/draws")
    assert refused.status == 403
