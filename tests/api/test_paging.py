"""Keyset paging of every list the console and the mini-program page through: the first
page, the next, the end (next null), no row twice nor missing when rows arrive between two
page loads, and a cursor that is not one of ours refused in words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from models.applications import Application, ReviewAction
from models.dishonesty import DishonestyFlag
from models.draws import DrawLog
from models.experts import ExpertProfile
from models.money.payments import Payable
from models.notifications import Notification
from models.people import Person
from models.sanctions import Sanction
from models.wechat import Feedback, WeChatIdentity
from services.common.paging import decode, encode
from services.people.persons import phone_is
from tests.support.api import Api
from tests.support.draw_world import prepared
from web.context import DOMAIN

BAD = ("!!", "eyJ4IjoxfQ", encode(1, 2, 3), "x" * 201)  # not base64, not a list, too long


async def walk(api: Api, path: str, token: str, field: str, key: str,
               insert: Callable[[], Awaitable[Any]], **params: str) -> list[Any]:
    """Every row of the list, two a page, one new row inserted after the first page: the
    rows seen, in order. The first page is full and names the next; the last names none."""
    first = await api.call("GET", path, token, params={**params, "limit": "2"})
    assert first.status == 200, first.data
    assert len(first.data[field]) == 2 and first.data["next"], first.data
    await insert()
    seen = [r[key] for r in first.data[field]]
    following = first.data["next"]
    while following:
        got = await api.call("GET", path, token,
                             params={**params, "limit": "2", "after": following})
        assert got.status == 200, got.data
        assert len(got.data[field]) <= 2
        seen += [r[key] for r in got.data[field]]
        following = got.data["next"]
        if following:
            assert len(got.data[field]) == 2
    assert len(seen) == len(set(seen)), seen  # no row twice
    for cursor in BAD:
        refused = await api.call("GET", path, token, params={**params, "after": cursor})
        assert refused.status in (400, 422), (cursor, refused.data)
        assert any("\u4e00" <= c <= "\u9fff" for c in refused.message), refused.data
    refused = await api.call("GET", path, token, params={**params, "after": "!!"})
    assert refused.status == 400 and refused.data["error"] == "page.bad_cursor"
    assert "翻页" in refused.message
    return seen


def test_a_cursor_names_its_key_and_nothing_else() -> None:
    at = datetime(2026, 11, 25, 1, 2, 3, 456789, tzinfo=UTC)
    assert decode(encode(at, 7), datetime, int) == (at, 7)
    assert decode(encode(12), int) == (12,) and decode("12", int) == (12,)
    assert decode(None, int) is None and decode("", int) is None
    for bad, shape in ((encode(12), (datetime, int)), (encode(at, 7), (int,)),
                       (encode(0), (int,)), ("12", (datetime, int))):
        try:
            decode(bad, *shape)
        except Exception as exc:  # BadInput
            assert getattr(exc, "code", "") == "page.bad_cursor"
        else:
            raise AssertionError(bad)


async def _admin(api: Api, demo: dict) -> str:
    return await api.login(demo["admin"].mp_openid)


async def _finance(api: Api, demo: dict) -> str:
    return await api.login(demo["finance"].mp_openid)


async def test_feedback_pages(api: Api, demo: dict) -> None:
    identity = await WeChatIdentity.get(openid=demo["expert"].openid)
    made = [await Feedback.create(identity_id=identity.id, category="功能建议",
                                  content=f"第{n}条建议") for n in range(5)]

    async def one_more() -> None:
        await Feedback.create(identity_id=identity.id, category="功能建议", content="新的建议")

    seen = await walk(api, "/admin/feedback", await _admin(api, demo), "feedback", "id",
                      one_more, state="open")
    assert seen == [f.id for f in reversed(made)]  # newest first; the newcomer is above


async def test_sanctions_page(api: Api, demo: dict) -> None:
    expert = await ExpertProfile.filter(expert_number=demo["expert"].expert_number).first()
    assert expert is not None
    today = date.today()

    async def sanction() -> Sanction:
        return await Sanction.create(expert_id=expert.id, kind="warning", reason="迟到",
                                     decided_on=today, starts_on=today, decided_by=1)

    made = [await sanction() for _ in range(5)]
    seen = await walk(api, "/admin/sanctions", await _admin(api, demo), "items", "id",
                      sanction, view="all")
    assert seen == [s.id for s in reversed(made)]


async def test_dishonesty_flags_page_by_time_found(api: Api, demo: dict) -> None:
    expert = await ExpertProfile.filter(expert_number=demo["expert"].expert_number).first()
    assert expert is not None
    at = datetime(2026, 11, 1, tzinfo=UTC)
    # two flags found at the same moment: the id breaks the tie
    made = [await DishonestyFlag.create(expert_id=expert.id, found_at=at + timedelta(
        hours=min(n, 3))) for n in range(5)]

    async def one_more() -> None:
        await DishonestyFlag.create(expert_id=expert.id, found_at=at + timedelta(days=9))

    seen = await walk(api, "/admin/dishonesty/flags", await _admin(api, demo), "items", "id",
                      one_more, view="all")
    assert seen == [f.id for f in sorted(made, key=lambda f: (f.found_at, f.id),
                                         reverse=True)]


async def test_stuck_notifications_page(api: Api, demo: dict) -> None:
    now = datetime.now(UTC)

    async def dead() -> Notification:
        return await Notification.create(kind="system.test", status="dead",
                                         next_attempt_at=now, client_msg_id="x",
                                         last_error="timeout")

    made = [await dead() for _ in range(5)]
    seen = await walk(api, "/admin/notifications", await _admin(api, demo), "notifications",
                      "id", dead)
    assert seen[:5] == [n.id for n in reversed(made)]


async def test_invoice_requests_page_in_the_order_asked(api: Api, demo: dict) -> None:
    payer = await Person.get(phone_is(demo["expert"].phone))
    at = datetime(2026, 11, 1, tzinfo=UTC)

    async def asked(n: int) -> Payable:
        return await Payable.create(person_id=payer.id, kind="test", ref_id=1000 + n,
                                    title=f"费用{n}", amount_fen=100, paid_at=at,
                                    invoice_requested_at=at + timedelta(minutes=min(n, 3)))

    made = [await asked(n) for n in range(5)]
    seen = await walk(api, "/admin/invoices", await _finance(api, demo), "invoices",
                      "payable_id", lambda: asked(9))
    # oldest first: the one asked between two loads comes last, once
    assert seen[:5] == [p.id for p in made] and len(seen) == 6


async def test_payment_orders_page_by_after_and_by_before(api: Api, demo: dict) -> None:
    from models.money.payments import PayOrder

    payer = await Person.get(phone_is(demo["expert"].phone))
    payable = await Payable.create(person_id=payer.id, kind="test", ref_id=1, title="费用",
                                   amount_fen=100)

    async def order(n: int) -> PayOrder:
        return await PayOrder.create(payable=payable, out_trade_no=f"T{n:08d}",
                                     amount_fen=100, status="open", trade_type="NATIVE",
                                     expires_at=datetime.now(UTC))

    made = [await order(n) for n in range(5)]
    token = await _finance(api, demo)
    seen = await walk(api, "/admin/payments", token, "orders", "out_trade_no",
                      lambda: order(9))
    assert seen[:5] == [o.out_trade_no for o in reversed(made)]
    older = await api.call("GET", "/admin/payments", token,  # the older cursor still works
                           params={"limit": "2", "before": str(made[3].id)})
    assert [o["out_trade_no"] for o in older.data["orders"]] == ["T00000002", "T00000001"]


async def test_review_history_pages(api: Api, demo: dict) -> None:
    reviewer = await Person.get(phone_is(demo["reviewer"].phone))
    app = await Application.first()
    assert app is not None
    at = datetime(2026, 11, 1, tzinfo=UTC)

    async def decided(n: int) -> ReviewAction:
        step = await ReviewAction.create(application=app, version=1, action="approve",
                                         actor_id=reviewer.id, stage_title="预审")
        await ReviewAction.filter(id=step.id).update(at=at + timedelta(minutes=n))
        return step

    made = [await decided(n) for n in range(5)]
    seen = await walk(api, "/review/history", await api.login(demo["reviewer"].mp_openid),
                      "decisions", "at", lambda: decided(99))
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    assert len(made) == 5


async def test_verify_history_pages(api: Api, demo: dict) -> None:
    aid, _ = await prepared(api, demo, total=1, verify=False)
    at = datetime(2026, 11, 1, tzinfo=UTC)

    async def decided(n: int) -> DrawLog:
        return await DrawLog.create(activity_id=aid, at=at + timedelta(minutes=min(n, 3)),
                                    role="verifier", actor_name="赵*", action="refuse",
                                    reason=f"第{n}次")

    made = [await decided(n) for n in range(5)]
    seen = await walk(api, "/verify/history", await api.login(demo["verifier"].mp_openid),
                      "decisions", "reason", lambda: decided(99))
    assert seen == [e.reason for e in sorted(made, key=lambda e: (e.at, e.id), reverse=True)]


async def test_the_agency_activity_list_pages_by_after(api: Api, demo: dict) -> None:
    made = []
    for _ in range(3):
        aid, token = await prepared(api, demo, total=1, verify=False, submitted=False)
        made.append(aid)

    async def one_more() -> None:
        await prepared(api, demo, total=1, verify=False, submitted=False)

    seen = await walk(api, "/draws/activities", token, "activities", "id", one_more)
    assert seen[:3] == list(reversed(made))


async def test_the_register_pages_with_next_and_its_older_cursor(api: Api, demo: dict) -> None:
    token = await _admin(api, demo)
    first = await api.call("GET", "/admin/experts", token, params={"limit": "1"})
    assert first.status == 200 and first.data["next"] and first.data["next_after"]
    by_next = await api.call("GET", "/admin/experts", token,
                             params={"limit": "1", "after": first.data["next"]})
    by_id = await api.call("GET", "/admin/experts", token,
                           params={"limit": "1", "after": str(first.data["next_after"])})
    assert by_next.data["experts"] == by_id.data["experts"]
    assert by_next.data["experts"][0]["id"] > first.data["experts"][0]["id"]
    every = await api.call("GET", "/admin/experts", token, params={"limit": "1000"})
    assert every.data["next"] is None and every.data["next_after"] is None
    refused = await api.call("GET", "/admin/experts", token, params={"after": "!!"})
    assert refused.status == 400 and refused.data["error"] == "page.bad_cursor"


async def test_the_access_record_pages(api: Api, client: TestClient, demo: dict) -> None:
    chain = client.app[DOMAIN].audit

    async def read_in_full(n: int) -> None:
        await chain.append("unmask_register", datetime.now(UTC), person_id=1, name="周平",
                           rows=n)

    for n in range(5):
        await read_in_full(n)
    seen = await walk(api, "/admin/access-log", await api.login(demo["audit_admin"].mp_openid),
                      "entries", "rows", lambda: read_in_full(99))
    assert seen == [4, 3, 2, 1, 0]
