"""The close relatives asked again at the year's turn (docs/rules-that-are-ours.md): from
1 January, China time, each active expert whose list was last declared or confirmed before
that year is asked once (and never in another month); confirming it unchanged, or declaring
it anew, is kept with its moment and answers the year's question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient

from models.experts import ExpertProfile
from models.notifications import Notification
from services.common.clock import CHINA
from services.people import RelativesYearly
from tests.support.api import Api
from tests.support.draw_world import make_experts
from web.context import DOMAIN, TEXTS


def at(text: str) -> datetime:
    """A China time, as the people of the library read it."""
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


# last declared or confirmed, now -> does the list wait for this year's confirmation?
GOLDEN = [
    (None, "2027-01-01 00:00", True),
    ("2026-12-31 23:59", "2027-01-01 00:00", True),  # a minute before the year's turn
    ("2027-01-01 00:00", "2027-01-01 00:01", False),
    ("2026-06-01 10:00", "2026-12-31 23:59", False),  # the same year
    ("2026-01-01 00:00", "2026-12-31 23:59", False),
    ("2025-12-31 23:59", "2026-01-01 00:00", True),
]


@pytest.mark.parametrize(("confirmed", "now", "waits"), GOLDEN)
def test_the_year_is_the_china_year(confirmed: str | None, now: str, waits: bool) -> None:
    assert RelativesYearly.due(at(confirmed) if confirmed else None, at(now)) is waits
    # the China year's turn at 16:00 UTC on 31 December
    assert RelativesYearly.due(datetime(2026, 12, 31, 15, 59, tzinfo=UTC),
                               datetime(2026, 12, 31, 16, 0, tzinfo=UTC))


async def test_each_expert_is_asked_once_in_january_and_confirming_answers_it(
        client: TestClient, api: Api) -> None:
    yearly = client.app[DOMAIN].relatives_yearly
    (declared, silent) = await make_experts(client, 2, first=5600)
    token = await api.login("mp_ex_5600")
    shown = await api.call("PUT", "/expert/relatives", token, {"items": []})  # none to declare
    assert shown.status == 200 and shown.data["due"] is False
    assert shown.data["confirmed_at"] is not None
    await ExpertProfile.filter(id=declared.id).update(relatives_confirmed_at=at(
        "2026-11-29 10:00"))
    assert await yearly.ask(at("2026-12-31 23:00")) == 0  # not in December
    asked = await yearly.ask(at("2027-01-01 01:25"))
    mine = await Notification.filter(kind="expert.relatives_yearly",
                                      person_id__in=[declared.person_id, silent.person_id])
    assert all(n.lane == 1 for n in mine)  # the mass notices' lane
    assert asked >= 2 and sorted(n.person_id for n in mine) == sorted(
        [declared.person_id, silent.person_id])
    said = client.app[TEXTS].render("notify/expert.relatives_yearly/chat.j2", **mine[0].params)
    assert "2027年" in said and "确认无变化" in said
    assert await yearly.ask(at("2027-01-02 01:25")) == 0  # once a year
    assert await yearly.ask(at("2027-02-01 01:25")) == 0  # and in January only
    # confirmed unchanged (in the mini-program): kept with its moment
    confirmed = await api.call("POST", "/expert/relatives/confirm", token)
    assert confirmed.status == 200 and confirmed.data["due"] is False
    kept = (await ExpertProfile.get(id=declared.id)).relatives_confirmed_at
    assert kept is not None and abs(kept - datetime.now(UTC)) < timedelta(minutes=1)
    # in this story that was in January 2027 (today, from 2028 on, would be in the next
    # year, and answer the next year's question before it is asked)
    await ExpertProfile.filter(id=declared.id).update(relatives_confirmed_at=at(
        "2027-01-05 10:00"))
    # the next year asks again, but not whoever confirmed in it already
    await yearly.confirm(silent, at("2028-01-01 00:30"))
    await yearly.ask(at("2028-01-01 01:25"))
    again = await Notification.filter(kind="expert.relatives_yearly",
                                      person_id__in=[declared.person_id, silent.person_id])
    assert sorted(n.params["year"] for n in again if n.person_id == declared.person_id) == [
        "2027", "2028"]
    assert [n.params["year"] for n in again if n.person_id == silent.person_id] == ["2027"]
