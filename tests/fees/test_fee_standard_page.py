"""The published fee standard for anyone (FG-807: each library publishes its fee standard
and payment method), over real HTTP without signing in: the public page /fee-standard and
the mini-program's GET /fee-standards say the same, in yuan, China dates and words; who pays
is the drawing unit (GD-DRAW: "抽取单位是按照…专家酬劳的管理办法支付"), the ways are the ones
the code pays by, and tax on 劳务报酬 is withheld (IIT-LAW, TAX-61)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient

from models.fees import FeeStandard
from sandbox.pay.gateway import PayGateway
from services.common.clock import china_today
from services.demo_draws import DEMO_FEE_NAME, load_fee_standard
from tests.support.api import Api
from tests.support.fees import publish
from tests.support.wechat import Chat
from web.context import DOMAIN

PAGE = "/fee-standard"
# stored values a reader must never see: the fee channels, booleans, a missing value
RAW = ("platform", "elsewhere", "True", "False", "None", "_fen", "part_hour_counts")


def day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def words(html: str) -> str:
    """The page's text as a reader sees it (tags out, entities read, the style block out)."""
    body = html.split("<body>", 1)[1]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def items(html: str, testid: str) -> list[str]:
    block = html.split(f'data-testid="{testid}"', 1)[1].split("</ul>", 1)[0]
    return [unescape(re.sub(r"<[^>]+>", "", li)).strip()
            for li in re.findall(r"<li>(.*?)</li>", block, re.S)]


async def test_the_page_and_the_api_show_the_standard_in_force_and_the_next(
        api: Api, client: TestClient, demo: dict, pay_gateway: PayGateway) -> None:
    """With WeChat Pay configured (`pay_gateway`): fees may go out as 商家转账 bills."""
    today = china_today(datetime.now(UTC))
    later = today + timedelta(days=36)
    assert (await publish(api, demo, today)).status == 200
    assert (await publish(api, demo, later, name="2027年评标专家劳务费标准",
                          base_yuan="500.00", daily_cap_yuan="1000.00")).status == 200

    got = await client.get(PAGE)  # no sign-in, no link token
    assert got.status == 200 and got.content_type == "text/html"
    assert got.headers["Cache-Control"] == "public, max-age=60"
    html = await got.text()
    text = words(html)
    assert "2025年评标专家劳务费标准 现行" in text
    assert "2027年评标专家劳务费标准 即将生效" in text
    current = text.split("现行", 1)[1].split("即将生效", 1)[0]
    assert f"自{day(today)}起评标的活动适用" in current
    assert "评标3小时以内（含3小时）400.00元" in current
    assert "每增加1小时加100.00元（不足1小时按1小时计）" in current
    assert "每人每天最高800.00元" in current and "补偿200.00元" in current
    assert "另发交通补助150.00元、餐费补助每天100.00元" in current
    upcoming = text.split("即将生效", 1)[1].split("支付方式", 1)[0]
    assert f"自{day(later)}起评标的活动适用" in upcoming
    assert "400.00元" not in upcoming and "500.00元" in upcoming
    assert "尚未发布" not in text and "发改办法规〔2025〕807号" in text
    assert f"今天是{day(today)}" in text
    assert not any(raw in text for raw in RAW), text

    # who pays, the ways the code pays by, the tax withheld
    ways = items(html, "payment")
    said = " ".join(ways)
    assert ways[0].startswith("支付单位：") and "招标人或招标代理机构（抽取单位）" in ways[0]
    assert "代扣代缴个人所得税" in said and "我的劳务费" in said
    assert client.app[DOMAIN].fees.payouts.available
    assert "微信支付“商家转账”" in said and "评标专家小程序中确认收款" in said
    assert "本人名下的银行账户" in said and "转账凭证号" in said
    assert "不超过4000元的减除费用800元" in said and "实发金额" in said

    # the mini-program's endpoint, without a token, answers the same
    shown = await api.call("GET", "/fee-standards")
    assert shown.status == 200, shown.data
    data = shown.data
    assert data["today"] == today.isoformat() and data["notice"] is None
    assert (data["current"]["name"], data["current"]["effective_from"]) == (
        "2025年评标专家劳务费标准", today.isoformat())
    assert data["current"]["base_yuan"] == "400.00"
    assert "评标3小时以内（含3小时）400.00元" in data["current"]["text"]
    assert [(s["name"], s["effective_from"], s["base_yuan"]) for s in data["later"]] == [
        ("2027年评标专家劳务费标准", later.isoformat(), "500.00")]
    assert data["payment"] == ways


async def test_without_a_standard_both_say_so_plainly(api: Api, chat: Chat,
                                                     client: TestClient, demo: dict) -> None:
    html = await (await client.get(PAGE)).text()
    text = words(html)
    assert "本专家库尚未发布评标专家劳务费标准" in text
    assert "现行" not in text and "即将生效" not in text
    assert items(html, "payment")[0].startswith("支付单位：")  # the ways are still told
    shown = await api.call("GET", "/fee-standards")
    assert shown.data["current"] is None and shown.data["later"] == []
    assert shown.data["notice"].startswith("本专家库尚未发布评标专家劳务费标准")
    assert shown.data["payment"] == items(html, "payment")
    # the chat's 劳务费标准 says so too, and links the page for how fees are paid
    said = (await chat.say(demo["expert"].openid, "劳务费标准")).text
    assert "劳务费标准尚未发布" in said
    link = said.split("专家劳务费的支付方式：", 1)[1].split()[0]
    assert link.endswith(PAGE) and (await client.get(urlsplit(link).path)).status == 200

    # one published for a later day only: nothing is in force yet, and the page says when
    later = china_today(datetime.now(UTC)) + timedelta(days=10)
    assert (await publish(api, demo, later)).status == 200
    text = words(await (await client.get(PAGE)).text())
    assert "劳务费标准尚未生效" in text and "即将生效" in text
    assert f"自{day(later)}起评标的活动适用" in text
    shown = await api.call("GET", "/fee-standards")
    assert shown.data["current"] is None and "尚未生效" in shown.data["notice"]


async def test_without_wechat_transfers_only_the_agencys_own_payment_is_told(
        api: Api, client: TestClient) -> None:
    """A deployment without WeChat Pay (no `pay_gateway` here) pays no fee through the
    platform (Payouts.available): the page must not promise it."""
    assert not client.app[DOMAIN].fees.payouts.available
    ways = items(await (await client.get(PAGE)).text(), "payment")
    said = " ".join(ways)
    assert "抽取单位自行支付后在系统中登记支付情况" in said
    assert "微信" not in said and "银行" not in said
    assert "代扣代缴个人所得税" in said and "预扣" not in said
    assert (await api.call("GET", "/fee-standards")).data["payment"] == ways


async def test_the_demo_publishes_its_example_standard_once(client: TestClient,
                                                          demo: dict) -> None:
    """`make run` shows a standard: the demo's example, named and noted as one."""
    now = datetime.now(UTC)
    await load_fee_standard(now)
    await load_fee_standard(now)
    assert await FeeStandard.all().count() == 1
    text = words(await (await client.get(PAGE)).text())
    assert DEMO_FEE_NAME in text and "演示数据：金额仅为示例" in text
    assert f"自{day(china_today(now))}起评标的活动适用" in text
