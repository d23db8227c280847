"""Property tests of the draw engine (hypothesis): whatever the mix of experts and replies,
no avoided, unavailable or double-booked expert is ever invited, and no condition ever has
more confirmations than planned, with replies applied concurrently."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.draws import (
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
)
from models.experts import ExpertAvoidUnit, ExpertProfile, Unavailability
from models.people import Person
from services.reference.catalogue import catalogue
from tests.support.api import Api
from tests.support.draw_world import (
    TENDERER,
    confirmed_elsewhere,
    make_experts,
    prepared,
    start_draw,
)
from web.context import DOMAIN

TRAITS = ("ok", "ok", "ok", "tenderer_staff", "declared_tenderer", "avoided_person",
          "unavailable", "booked")
SPECIALTIES = [c for c in catalogue().leaves() if not c.startswith(("A01", "A04", "A08"))]
COUNTER = itertools.count()


@st.composite
def worlds(draw: st.DrawFn) -> dict:
    traits = draw(st.lists(st.sampled_from(TRAITS), min_size=3, max_size=10))
    planned = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    replies = draw(st.lists(st.sampled_from([1, 1, 2, 3]), min_size=1, max_size=12))
    return {"traits": traits, "planned": planned, "replies": replies}


async def shape(experts: list[ExpertProfile], traits: list[str],
                activity: DrawActivity) -> set[int]:
    """Give the experts their traits; returns the ids that must never be invited."""
    forbidden = set()
    day = activity.eval_start.date()
    for profile, trait in zip(experts, traits, strict=True):
        if trait == "ok":
            continue
        forbidden.add(profile.id)
        if trait == "tenderer_staff":
            await ExpertProfile.filter(id=profile.id).update(unit_credit_code=TENDERER[1])
        elif trait == "declared_tenderer":
            await ExpertAvoidUnit.create(expert=profile, unit_name=TENDERER[0],
                                         credit_code=TENDERER[1], reason="曾任职")
        elif trait == "avoided_person":
            person = await Person.get(id=profile.person_id)
            await Avoidance.create(activity=activity, kind="person", name=person.name,
                                   id_hash=person.id_number_hash, reason="亲属")
        elif trait == "unavailable":
            await Unavailability.create(person_id=profile.person_id, date_from=day,
                                        date_to=day + timedelta(days=1), reason="出差")
        elif trait == "booked":  # confirmed for another evaluation at an overlapping time
            await confirmed_elsewhere(activity, profile.id, profile.person_id)
    return forbidden


@pytest.mark.slow  # twelve random worlds, each drawn to its end
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=worlds())
async def test_no_forbidden_expert_is_invited_and_never_more_confirmed_than_planned(
        api: Api, client: TestClient, demo: dict, world: dict) -> None:
    n = next(COUNTER)
    specialty = SPECIALTIES[n % len(SPECIALTIES)]
    experts = await make_experts(client, len(world["traits"]), first=10_000 + n * 20,
                                 specialty=specialty)
    aid, token = await prepared(api, demo, total=sum(world["planned"]),
                                planned=world["planned"], specialty=specialty, verify=False)
    activity = await DrawActivity.get(id=aid)
    forbidden = await shape(experts, world["traits"], activity)
    # verified now: the pools are committed with the world as it is
    verifier = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("POST", f"/verify/activities/{aid}", verifier,
                           {"approve": True, "small_pool_ok": True})).status == 200
    started = await start_draw(api, token, aid)
    assert started.status == 200, started.data
    engine = client.app[DOMAIN].draws.running.replies
    replies = itertools.cycle(world["replies"])
    for _ in range(30):
        waiting = await Invitation.filter(activity_id=aid, status=InvitationStatus.SENT)
        if not waiting:
            break
        now = datetime.now(UTC)
        await asyncio.gather(*(engine.reply(i.id, i.person_id, next(replies), now)
                               for i in waiting))
    invited = set(await Invitation.filter(activity_id=aid).values_list("expert_id", flat=True))
    assert not invited & forbidden
    for condition in await Condition.filter(activity_id=aid):
        confirmed = await Invitation.filter(condition_id=condition.id,
                                            status=InvitationStatus.CONFIRMED).count()
        assert confirmed <= condition.planned
        avoided = {e.id for e, t in zip(experts, world["traits"], strict=True)
                   if t in ("tenderer_staff", "declared_tenderer", "avoided_person")}
        assert not set(condition.pool or []) & avoided  # never even candidates
    assert (await DrawActivity.get(id=aid)).status == DrawStatus.ENDED
