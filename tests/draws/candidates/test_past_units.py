"""Past employment, with its window (政府采购法实施条例 Art. 9, 财库〔2016〕198号 Art. 16:
"参加采购活动前3年内与供应商存在劳动关系"; docs/rules-that-are-ours.md for 招标投标): an expert
whose work history holds the tenderer — by its credit code, or by a former name the
register keeps — and who left it within three years before the evaluation's first day is
passed over when the draw reaches them, the record named; one who left a day before the
window is drawn. The reason is shown in words once the results unseal, and the audit finds
each skip borne out; a skip naming a history left long ago is found out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiohttp.test_utils import TestClient
from hypothesis import given
from hypothesis import strategies as st

from models.draws import Condition, DrawActivity, Invitation, SkippedCandidate
from models.experts import ExpertPastUnit
from models.reference import WorkUnit
from services.common.clock import CHINA
from services.demo import demo_credit_code
from services.draws.candidates.past_units import inside, window_start
from services.people.experts import keep_history
from services.people.particulars import ApplicationDraft
from tests.support.api import Api
from tests.support.draw_world import (
    TENDERER,
    finish,
    make_experts,
    prepared,
    start_draw,
    the_results_unseal,
)
from tests.support.wechat import Chat

SPECIALTY = "A0802"  # none of the demo's experts has it: the experts made here are the pool
SAID = "评标前3年内曾在须回避的单位工作"


def test_a_day_inside_the_window_and_a_day_outside() -> None:
    first = date(2026, 11, 30)
    assert window_start(first, 3) == date(2023, 11, 30)
    started = date(2010, 1, 1)
    assert inside(date(2023, 11, 30), started, first, 3)
    assert not inside(date(2023, 11, 29), started, first, 3)
    assert inside(None, started, first, 3)  # still there
    assert not inside(None, first + timedelta(days=1), first, 3)  # begun after it
    assert window_start(date(2028, 2, 29), 3) == date(2025, 2, 28)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)),
       st.integers(min_value=1, max_value=10), st.integers(min_value=-2000, max_value=2000))
def test_the_window_is_the_years_before_the_first_day(first: date, years: int,
                                                      offset: int) -> None:
    ended = window_start(first, years) + timedelta(days=offset)
    assert inside(ended, date(1990, 1, 1), first, years) == (offset >= 0)
    # a longer window never lets in less
    assert not inside(ended, date(1990, 1, 1), first, years) or \
        inside(ended, date(1990, 1, 1), first, years + 1)


async def _history(expert_id: int, unit: str, code: str | None, ended: date | None) -> None:
    await ExpertPastUnit.create(expert_id=expert_id, unit_name=unit, credit_code=code,
                                started_on=date(2010, 3, 1), ended_on=ended)


async def test_a_past_employer_inside_the_window_is_passed_over_and_audited(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    by_code, by_old_name, long_ago, free = await make_experts(
        client, 4, first=1300, region="440106", specialty=SPECIALTY)
    # three places, two who may serve: the draw reaches every candidate
    aid, token = await prepared(api, demo, total=3, specialty=SPECIALTY)
    # the register knows the tenderer by a former name too
    assert await WorkUnit.filter(credit_code=TENDERER[1]).update(
        other_names=["某市第一中学（旧名）"])
    first_day = (await DrawActivity.get(id=aid)).eval_start.astimezone(CHINA).date()
    start = window_start(first_day, 3)
    await _history(by_code.id, "某中学", TENDERER[1], start + timedelta(days=400))
    await _history(by_old_name.id, "某市第一中学（旧名）", None, None)
    await _history(long_ago.id, TENDERER[0], TENDERER[1], start - timedelta(days=1))
    # the pool holds all four (the reason is read, and recorded, when the draw reaches them)
    assert set((await Condition.get(activity_id=aid)).pool or []) == {
        e.id for e in (by_code, by_old_name, long_ago, free)}
    assert (await start_draw(api, token, aid)).status == 200
    served = await finish(chat, aid)
    assert {i.expert_id for i in served} == {long_ago.id, free.id}
    assert (await DrawActivity.get(id=aid)).end_reason == "exhausted"
    assert not await Invitation.filter(expert_id__in=[by_code.id, by_old_name.id]).exists()
    skipped = {s.expert_id: s.reason for s in await SkippedCandidate.filter(
        expert_id__in=[by_code.id, by_old_name.id])}
    assert set(skipped) == {by_code.id, by_old_name.id}
    assert all(r.startswith("past_unit:") and r.endswith(":3") for r in skipped.values())
    await the_results_unseal(aid, datetime.now(UTC))
    audit = await api.call("GET", f"/draws/activities/{aid}/audit", token)
    assert audit.status == 200 and audit.data["ok"] is True, audit.data
    assert {s["reason"] for s in audit.data["pools"][0]["skipped"]} == {SAID}
    # a history rewritten after the draw to have ended before the window is found out
    await ExpertPastUnit.filter(expert_id=by_code.id).update(
        ended_on=start - timedelta(days=10))
    audit = await api.call("GET", f"/draws/activities/{aid}/audit", token)
    assert audit.data["ok"] is False and any("window" in p for p in audit.data["problems"])


async def test_the_history_kept_is_the_applications_by_month(client: TestClient) -> None:
    """Each entry's start month from its first day and end month to its last day; the
    register's code for the one unit by that name."""
    (profile,) = await make_experts(client, 1, first=1350, region="4401", specialty=SPECIALTY)
    await WorkUnit.create(credit_code=TENDERER[1], name="唯一名称中学", source="admin",
                          created_at=datetime.now(UTC))
    draft = ApplicationDraft.model_validate({"work_history": [
        {"start": "2015-02", "end": "2024-02", "unit": "唯一名称中学", "position": "教师"},
        {"start": "2024-03", "end": None, "unit": "现单位", "position": "工程师"}]})
    await keep_history(profile, draft)
    rows = await ExpertPastUnit.filter(expert_id=profile.id).order_by("started_on")
    assert [(r.started_on, r.ended_on, r.credit_code) for r in rows] == [
        (date(2015, 2, 1), date(2024, 2, 29), TENDERER[1]), (date(2024, 3, 1), None, None)]


async def test_an_expert_admitted_before_gets_the_history_of_their_application_once(
        client: TestClient, demo: dict) -> None:
    """The nightly job reads the history of experts admitted before it was kept."""
    from models.applications import Application, Batch
    from models.experts import ExpertProfile
    from services.people import Experts

    (profile,) = await make_experts(client, 1, first=1360, region="4401", specialty=SPECIALTY)
    batch = await Batch.all().order_by("id").first()
    assert batch is not None
    app = await Application.create(person_id=profile.person_id, batch_id=batch.id, data={
        "work_history": [{"start": "2012-05", "end": "2025-01", "unit": TENDERER[0],
                          "position": "工程师"}]})
    await ExpertProfile.filter(id=profile.id).update(application_id=app.id)
    assert await Experts.backfill_histories() >= 1
    (row,) = await ExpertPastUnit.filter(expert_id=profile.id)
    assert (row.unit_name, row.ended_on) == (TENDERER[0], date(2025, 1, 31))
    assert await Experts.backfill_histories() == 0  # once


async def test_a_generated_register_with_planted_conflicts_is_drawn_around_them(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """Thirty experts; a third planted inside the window (by code, by a former name, not
    left), a third just outside it or at an unavoided unit, a third clean. The draw asks for
    one place more than it can fill, so it reaches everyone: all inside are skipped, none of
    the others is; recall and false positives printed."""
    import random

    rng = random.Random(63)
    made = await make_experts(client, 30, first=1600, region="440106", specialty=SPECIALTY)
    # one place more than the twenty who may serve: the draw reaches every candidate
    aid, token = await prepared(api, demo, total=21, specialty=SPECIALTY)
    assert await WorkUnit.filter(credit_code=TENDERER[1]).update(
        other_names=["某市第一中学（旧名）"])
    first_day = (await DrawActivity.get(id=aid)).eval_start.astimezone(CHINA).date()
    start = window_start(first_day, 3)
    inside_ids, outside_ids = set(), set()
    for n, expert in enumerate(made):
        kind = n % 3
        if kind == 0:  # inside, three ways
            way = n % 9
            if way == 0:
                await _history(expert.id, "某中学", TENDERER[1],
                               start + timedelta(days=rng.randint(0, 900)))
            elif way == 3:
                await _history(expert.id, "某市第一中学（旧名）", None, None)
            else:
                await _history(expert.id, TENDERER[0], None, start)  # the window's first day
            inside_ids.add(expert.id)
        elif kind == 1:  # outside: left a day or more before, or another unit
            if n % 2:
                await _history(expert.id, TENDERER[0], TENDERER[1],
                               start - timedelta(days=rng.randint(1, 400)))
            else:
                await _history(expert.id, "另一所学校", demo_credit_code(90), None)
            outside_ids.add(expert.id)
    assert (await start_draw(api, token, aid)).status == 200
    served = {i.expert_id for i in await finish(chat, aid)}
    skipped = {s.expert_id for s in await SkippedCandidate.filter(reason__startswith="past_unit")}
    recall = len(skipped & inside_ids) / len(inside_ids)
    false_positives = len(skipped - inside_ids)
    print(f"planted inside {len(inside_ids)}: recall {recall:.0%}, false positives "
          f"{false_positives}")
    assert recall == 1 and false_positives == 0
    assert served == {e.id for e in made} - inside_ids  # every other one drawn and served
