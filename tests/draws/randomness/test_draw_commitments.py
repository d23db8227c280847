"""A draw no one can steer, 补抽 included: the seed and the candidate pools are committed
(their hashes published) before the handler's value is known; the audit re-derives every
position, holds the pools to the roots published before the start and every skip to the
record it names; an expert proves, with a Merkle path the auditor's command checks, that
they were in a draw's pool (NDRC-26: experts drawn at random; TBL-REG Art. 46: replacements
drawn too)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp.test_utils import TestClient

from models.draws import (
    Condition,
    DrawActivity,
    DrawLog,
    Invitation,
    InvitationStatus,
    SkippedCandidate,
)
from models.experts import ExpertProfile, Unavailability
from models.people import Person, phone_is
from services.common.clock import CHINA
from services.draws.randomness.audit import DrawAudit, draw_key, order
from services.draws.randomness.merkle import pool_root
from services.draws.record.results import Results
from tests.support.api import Api
from tests.support.cli import Expertbot
from tests.support.draw_world import NONCE, drawn, finish, make_experts, prepared, start_draw
from tests.support.wechat import Chat


async def test_the_pools_are_committed_at_verification_and_audited_after_the_draw(
        api: Api, chat: Chat, client: TestClient, demo: dict, expertbot: Expertbot) -> None:
    await make_experts(client, 8)
    aid, token = await prepared(api, demo, total=2, alternate="A0402")
    # verified: the seed's hash and every pool's root are published, before any value
    shown = await api.call("GET", f"/draws/activities/{aid}", token)
    (condition,) = shown.data["conditions"]
    assert shown.data["status"] == "verified" and shown.data["seed_hash"]
    assert condition["pool_hash"] and condition["alt_pool_hash"]
    verified = await DrawLog.get(activity_id=aid, action="verify")
    published = verified.detail["pools"][str(condition["id"])]
    assert published == {"main": condition["pool_hash"], "alt": condition["alt_pool_hash"]}
    # the candidate the order puts first is away on the evaluation day: skipped, with the
    # record that shows it (the test reads the committed seed to know who comes first)
    committed = await Condition.get(id=condition["id"])
    activity = await DrawActivity.get(id=aid)
    first_in_order = order(draw_key(activity.seed or "", NONCE), committed.id, "main",
                           committed.pool or [])[0]
    away = await ExpertProfile.get(id=first_in_order)
    day = activity.eval_start.astimezone(CHINA).date()  # a day off is a China day
    await Unavailability.create(person_id=away.person_id, date_from=day, date_to=day)
    # the start changes no pool: the roots stay the published ones
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    after = await Condition.get(id=condition["id"])
    assert (after.pool_hash, after.pool) == (condition["pool_hash"], committed.pool)
    assert after.pool_hash == pool_root(after.id, "main", after.pool or [])
    activity = await DrawActivity.get(id=aid)
    assert activity.status == "ended" and activity.seed
    report = DrawAudit.audit(activity.seed, activity.seed_hash or "",
                             await Results.audit_records(activity),
                             activity.nonce or "")
    assert report.ok, report.problems
    assert (await expertbot("audit", str(aid)))[0] == 0
    # a skip reason made up after the fact is caught: someone else's day off
    skip = await SkippedCandidate.get(condition_id=after.id, rank=0)
    assert skip.expert_id == away.id and skip.reason.startswith("unavailable:")
    someone = await Person.get(phone_is(demo["applicant"].phone))
    other = await Unavailability.create(person_id=someone.id, date_from=day, date_to=day)
    await SkippedCandidate.filter(id=skip.id).update(reason=f"unavailable:{other.id}")
    code, out = await expertbot("audit", str(aid))
    assert code == 1 and "someone else's" in out
    await SkippedCandidate.filter(id=skip.id).update(reason=f"booked:{aid}")
    code, out = await expertbot("audit", str(aid))
    assert code == 1 and "no invitation of theirs" in out
    await SkippedCandidate.filter(id=skip.id).update(reason=skip.reason)
    assert (await expertbot("audit", str(aid)))[0] == 0
    # a pool member dropped after the start (its hash recomputed to look consistent) is
    # caught against the root published at verification
    top = (await Invitation.filter(condition_id=after.id, pool="main").order_by("rank")
           .first())
    assert top is not None
    kept = [e for e in (after.pool or []) if e != top.expert_id]
    await Condition.filter(id=after.id).update(pool=kept,
                                               pool_hash=pool_root(after.id, "main", kept))
    code, out = await expertbot("audit", str(aid))
    assert code == 1 and "published before the draw started" in out


async def test_an_expert_proves_they_were_in_the_pool_and_the_auditor_checks_it(
        api: Api, chat: Chat, client: TestClient, demo: dict, tmp_path: Path,
        expertbot: Expertbot) -> None:
    await make_experts(client, 6)
    aid, _ = await drawn(api, chat, demo)
    invited = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED
                                      ).first()
    assert invited is not None
    from models.wechat import Channel, WeChatIdentity

    mp = await WeChatIdentity.get(person_id=invited.person_id, channel=Channel.MINI_PROGRAM)
    expert_token = await api.login(mp.openid)
    # sealed: nothing to show yet, in the mini-program and in chat
    early = await api.call("GET", "/expert/pools", expert_token)
    assert early.status == 200 and early.data["pools"] == []
    from tests.support.draw_world import openid_of, the_results_unseal

    said = await chat.say(await openid_of(invited.person_id), "抽取池")
    assert "没有进入过候选池" in said.text
    await the_results_unseal(aid, datetime.now(UTC))
    shown = await api.call("GET", "/expert/pools", expert_token)
    (mine,) = [p for p in shown.data["pools"] if p["activity_id"] == aid]
    assert mine["invited"] and mine["pool"] == "main"
    said = await chat.say(await openid_of(invited.person_id), "抽取池")
    assert f"活动{aid}" in said.text and "并被抽中邀请" in said.text
    proof = tmp_path / "proof.json"
    proof.write_text(json.dumps(mine["proof"]))
    code, out = await expertbot("audit", "--proof", str(proof), str(aid))
    assert code == 0 and "OK" in out
    # a proof bent to another expert, or against another root, does not hold
    bent = dict(mine["proof"], expert_id=mine["proof"]["expert_id"] + 1)
    proof.write_text(json.dumps(bent))
    assert (await expertbot("audit", "--proof", str(proof)))[0] == 1
    other_root = dict(mine["proof"], root="0" * 64)
    proof.write_text(json.dumps(other_root))
    assert (await expertbot("audit", "--proof", str(proof)))[0] == 1


async def test_a_supplement_is_committed_before_its_value_is_entered(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6)
    aid, token = await drawn(api, chat, demo)
    first = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED
                                    ).first()
    assert first is not None
    from tests.support.draw_world import the_results_unseal

    now = datetime.now(UTC)
    await the_results_unseal(aid, now)
    assert (await api.call("POST", f"/draws/activities/{aid}/absences", token,
                           {"key": first.code, "kind": "缺席"})).status == 200
    nothing = await api.call("POST", f"/draws/activities/{aid}/supplement/start", token,
                             {"nonce": NONCE})
    assert nothing.status == 409 and "准备" in nothing.message
    prepared_ = await api.call("POST", f"/draws/activities/{aid}/supplement", token,
                               {"gather_at": (now + timedelta(hours=1)).isoformat()})
    assert prepared_.status == 200 and prepared_.data["status"] == "verified"
    child = prepared_.data
    assert child["seed_hash"] and child["conditions"][0]["pool_hash"]
    log = await DrawLog.filter(activity_id=aid, action="supplement").first()
    assert log is not None and log.detail["seed_hash"] == child["seed_hash"]
    started = await api.call("POST", f"/draws/activities/{aid}/supplement/start", token,
                             {"nonce": "venue42"})
    assert started.status == 200 and started.data["id"] == child["id"]
    assert started.data["status"] == "drawing" and started.data["nonce"] == "venue42"
    assert started.data["conditions"][0]["pool_hash"] == child["conditions"][0]["pool_hash"]
    await finish(chat, child["id"])
    done = await DrawActivity.get(id=child["id"])
    report = DrawAudit.audit(done.seed or "", done.seed_hash or "",
                             await Results.audit_records(done),
                             done.nonce or "")
    assert done.status == "ended" and report.ok, report.problems


async def test_an_expert_avoided_after_the_pools_were_committed_is_skipped_not_invited(
        api: Api, chat: Chat, client: TestClient, demo: dict, expertbot: Expertbot) -> None:
    """The pools are fixed at verification; the checks at each invitation still apply the
    avoidance as it is then (an expert who has since declared the tenderer as a unit to
    avoid), record why, and the audit bears the skip out."""
    from models.experts import ExpertAvoidUnit
    from tests.support.draw_world import TENDERER

    await make_experts(client, 6)
    aid, token = await prepared(api, demo, total=2)
    condition = await Condition.get(activity_id=aid)
    activity = await DrawActivity.get(id=aid)
    first = order(draw_key(activity.seed or "", NONCE), condition.id, "main",
                  condition.pool or [])[0]
    await ExpertAvoidUnit.create(expert_id=first, unit_name=TENDERER[0],
                                 credit_code=TENDERER[1], reason="曾任职")
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    assert not await Invitation.filter(activity_id=aid, expert_id=first).exists()
    skip = await SkippedCandidate.get(condition_id=condition.id, rank=0)
    assert (skip.expert_id, skip.reason) == (first, "avoided")
    assert (await expertbot("audit", str(aid)))[0] == 0
