"""A draw weighted by credit level (阶梯抽取概率), off by default. The weighting, its default
weights and its method are ours (docs/rules-that-are-ours.md, "A draw weighted by credit
level"); what it must keep is the source's: experts drawn at random (TBL-REG Art. 46:
"评标委员会的专家成员应当从评标专家库内相关专业的专家名单中以随机抽取方式确定") from a pool
committed before the handler's value is known, so the audit re-derives every position.
Weights are part of the committed record: in each candidate's Merkle leaf, and the order
follows from them and the published randomness alone; unweighted draws are exactly as
before."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestClient

from models.draws import Condition, DrawActivity, DrawLog, Invitation, InvitationStatus
from models.experts import ExpertProfile
from models.performance import PerformanceRecord
from models.sanctions import Sanction
from models.wechat import Channel, WeChatIdentity
from services.common.clock import china_today
from services.draws.candidates.skips import Skips
from services.draws.facts.oplog import OperationLog
from services.draws.randomness.audit import DrawAudit, draw_key, order
from services.draws.randomness.merkle import Merkle, pool_root, prove
from services.draws.record.results import Results
from tests.support.api import Api
from tests.support.cli import Expertbot
from tests.support.console import Desk
from tests.support.draw_world import (
    NONCE,
    finish,
    make_experts,
    openid_of,
    prepared,
    start_draw,
    the_results_unseal,
)
from tests.support.wechat import Chat

TABLE = {"A": 4, "B": 3, "C": 2, "D": 1}  # the defaults (ours)
KEY = draw_key("ab" * 32, NONCE)


def test_unweighted_leaves_roots_proofs_and_order_are_as_before() -> None:
    """With the weighting off, nothing changes byte for byte: the root, the proof and the
    order below were computed by the code before the weighting existed."""
    assert pool_root(7, "main", [3, 5, 11, 2]) == \
        "b11ffa29957d371fafda9da31774410c82791380c2f96c2e56f849486ef7d228"
    proof = prove(7, "main", [3, 5, 11, 2], 5)
    assert proof is not None and "weight" not in proof.as_dict()
    assert proof.as_dict()["path"] == [
        {"hash": "8163b3b4896baf8d37d5bcb9173691517d1e3bf22a348b0fa3ad060ed9893a3c",
         "side": "right"},
        {"hash": "7e48ef280be32faa9241fe344378473934684d14f51c4d2cc8b69709dfe56ae4",
         "side": "left"}]
    assert order(KEY, 7, "main", range(1, 13)) == [4, 8, 6, 3, 5, 2, 1, 9, 12, 11, 7, 10]


def test_every_weight_one_is_the_unweighted_order_but_another_committed_root() -> None:
    """The ticket method: an expert of weight 1 holds one ticket, valued as unweighted."""
    ids = list(range(1, 30))
    for n in range(20):
        key = hashlib.sha256(f"seed {n}".encode()).hexdigest()
        assert order(key, 3, "main", ids, dict.fromkeys(ids, 1)) == order(key, 3, "main", ids)
    # the weights are committed even when all are 1: the leaves differ from unweighted ones
    assert pool_root(3, "main", ids, dict.fromkeys(ids, 1)) != pool_root(3, "main", ids)


def test_a_weighted_proof_carries_the_weight_and_a_changed_weight_fails_it() -> None:
    weights = {2: 4, 3: 1, 5: 3, 11: 2}
    proof = prove(7, "main", list(weights), 5, weights)
    assert proof is not None
    data = proof.as_dict()
    assert data["weight"] == 3 and data["root"] == pool_root(7, "main", list(weights), weights)
    assert Merkle.check_proof(data)
    assert not Merkle.check_proof(dict(data, weight=4))
    assert not Merkle.check_proof({k: v for k, v in data.items() if k != "weight"})


def test_over_many_seeds_an_a_level_expert_is_drawn_first_more_often_than_a_d_level_one() -> None:
    """Weights 4:3:2:1 give the first place with chances 40 %, 30 %, 20 %, 10 %. Over 4,000
    fixed seeds (so the count is the same on every run) the A-level expert comes first at
    least twice as often as the D-level one, and each share lies near its chance."""
    weights = {101: 4, 102: 3, 103: 2, 104: 1}  # A, B, C, D
    firsts: Counter[int] = Counter()
    runs = 4000
    for n in range(runs):
        key = hashlib.sha256(f"weighted draw {n}".encode()).hexdigest()
        firsts[order(key, 9, "main", list(weights), weights)[0]] += 1
    assert firsts[101] > 2 * firsts[104]
    for expert, chance in ((101, 0.4), (102, 0.3), (103, 0.2), (104, 0.1)):
        assert abs(firsts[expert] / runs - chance) < 0.04, (expert, firsts)


async def _warnings(expert: ExpertProfile, count: int, by: int) -> None:
    """Warnings lower the credit by 10 each (the default rule) and keep nobody out."""
    today = china_today(datetime.now(UTC))
    for _ in range(count):
        await Sanction.create(expert_id=expert.id, kind="warning", reason="未按时到场",
                              decided_on=today, starts_on=today, decided_by=by)


async def _records(expert: ExpertProfile, scores: list[int], by: int) -> None:
    """Evaluations served and recorded by agencies (CK-198), one score each."""
    now = datetime.now(UTC)
    for n, score in enumerate(scores):
        await PerformanceRecord.create(
            activity_id=900000 + expert.id * 100 + n, invitation_id=900000 + expert.id * 100 + n,
            expert_id=expert.id, person_id=expert.person_id, score=score, recorded_by=by,
            recorded_at=now)


async def test_an_expert_with_no_record_is_not_weighted_above_experts_with_good_records(
        api: Api, client: TestClient, demo: dict) -> None:
    """With full credit counted as A, a newcomer outweighed a long-serving B. Ours
    (docs/rules-that-are-ours.md): without a record of service an expert holds at most
    level B's weight; a good record (A) earns more."""
    experts = await make_experts(client, 4, first=5400)
    admin = await api.login(demo["admin"].mp_openid)
    by = (await WeChatIdentity.get(openid=demo["admin"].mp_openid)).person_id
    await _records(experts[0], [95, 92, 98], by)  # a good record: A
    await _records(experts[1], [80] * 6, by)  # long-serving B
    # experts[2] and experts[3]: nothing on record, full credit (100, A) on their page
    shown = await api.call("GET", "/admin/credit", admin,
                           params={"expert_number": experts[2].expert_number})
    assert (shown.data["score"], shown.data["level"]) == (100, "A")
    assert (await api.call("PUT", "/admin/draw-policy", admin, {"weighted": True})
            ).status == 200
    aid, _ = await prepared(api, demo, total=2)
    (condition,) = await Condition.filter(activity_id=aid)
    weights = {int(k): v for k, v in (condition.pool_weights or {}).items()}
    assert [weights[e.id] for e in experts[:3]] == [4, 3, 3]
    # the administrator's weights decide what "at most B" is
    assert (await api.call("PUT", "/admin/draw-policy", admin, {
        "weighted": True, "weight_a": 6, "weight_b": 2, "weight_c": 2, "weight_d": 1})
            ).status == 200
    aid, _ = await prepared(api, demo, total=2)
    (condition,) = await Condition.filter(activity_id=aid)
    weights = {int(k): v for k, v in (condition.pool_weights or {}).items()}
    assert [weights[e.id] for e in experts[:3]] == [6, 2, 2]


async def test_weighting_off_by_default_leaves_the_draw_and_its_audit_as_before(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    await make_experts(client, 6, first=5100)
    admin = await api.login(demo["admin"].mp_openid)
    policy = await api.call("GET", "/admin/draw-policy", admin)
    assert policy.data["weighted"] is False
    assert [policy.data[f"weight_{x}"] for x in "abcd"] == [4, 3, 2, 1]
    aid, token = await prepared(api, demo, total=2)
    (condition,) = await Condition.filter(activity_id=aid)
    assert (condition.weighting, condition.pool_weights) == (None, None)
    assert condition.pool_hash == pool_root(condition.id, "main", condition.pool or [])
    assert "weighting" not in (await DrawLog.get(activity_id=aid, action="verify")).detail
    assert (await start_draw(api, token, aid)).status == 200
    first = await Invitation.get(condition_id=condition.id, rank=0)
    assert first.expert_id == order(draw_key((await DrawActivity.get(id=aid)).seed or "",
                                             NONCE), condition.id, "main",
                                    condition.pool or [])[0]
    await finish(chat, aid)
    activity = await DrawActivity.get(id=aid)
    records = await Results.audit_records(activity)
    assert all(r.weights is None for r in records)
    assert DrawAudit.audit(activity.seed or "", activity.seed_hash or "", records, NONCE).ok
    exported = DrawAudit.export_record(aid, activity.seed or "", activity.seed_hash or "", records)
    assert all("weights" not in p for p in exported["pools"])  # type: ignore[union-attr]
    await the_results_unseal(aid, datetime.now(UTC))
    link = (await api.call("GET", f"/draws/activities/{aid}/result-page", token)).data["url"]
    assert "抽取方式" not in await (await client.get(link[link.index("/draws/"):])).text()
    shown = await api.call("GET", f"/draws/activities/{aid}/audit", token)
    assert shown.data["ok"] and shown.data["pools"][0]["weighted"] is False
    assert shown.data["pools"][0]["weighting"] == "等概率随机抽取（未按信用等级加权）"


async def test_bad_weights_are_refused_in_words_and_only_the_administrator_sets_them(
        api: Api, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    too_big = await api.call("PUT", "/admin/draw-policy", admin,
                             {"weighted": True, "weight_a": 11})
    assert too_big.status == 422
    assert too_big.data["fields"] == [{"field": "weight_a", "message": "不能大于 10。"}]
    upside_down = await api.call("PUT", "/admin/draw-policy", admin, {
        "weighted": True, "weight_a": 1, "weight_b": 2, "weight_c": 3, "weight_d": 4})
    assert upside_down.status == 400 and "A 级 ≥ B 级 ≥ C 级 ≥ D 级" in upside_down.message
    handler = await api.login(demo["handler"].mp_openid)
    assert (await api.call("PUT", "/admin/draw-policy", handler,
                           {"weighted": True})).status == 403
    assert (await api.call("GET", "/admin/draw-policy", admin)).data["weighted"] is False


async def test_a_weighted_draw_commits_the_weights_the_audit_re_derives_it_and_a_changed_weight_fails(  # noqa: E501
        api: Api, chat: Chat, client: TestClient, demo: dict,
        tmp_path: Path, expertbot: Expertbot) -> None:
    experts = await make_experts(client, 8, first=5200)
    admin = await api.login(demo["admin"].mp_openid)
    by = (await WeChatIdentity.get(openid=demo["admin"].mp_openid)).person_id
    await _warnings(experts[0], 2, by)  # 80: B
    await _warnings(experts[1], 3, by)  # 70: C
    await _warnings(experts[2], 5, by)  # 50: D
    saved = await api.call("PUT", "/admin/draw-policy", admin, {"weighted": True})
    assert saved.status == 200 and saved.data["weighted"] is True
    aid, token = await prepared(api, demo, total=3)
    (condition,) = await Condition.filter(activity_id=aid)
    weights = {int(k): v for k, v in (condition.pool_weights or {}).items()}
    assert condition.weighting == TABLE and set(weights) == set(condition.pool or [])
    # B, C, D, and nothing on record: at most B's weight
    assert [weights[e.id] for e in experts[:4]] == [3, 2, 1, 3]
    assert condition.pool_hash == pool_root(condition.id, "main", condition.pool or [],
                                            weights)
    assert condition.pool_hash != pool_root(condition.id, "main", condition.pool or [])
    verified = await DrawLog.get(activity_id=aid, action="verify")
    assert verified.detail["weighting"] == {str(condition.id): TABLE}
    # turned off after the commitment: this draw stays weighted as committed
    assert (await api.call("PUT", "/admin/draw-policy", admin, {})).status == 200
    assert (await start_draw(api, token, aid)).status == 200
    activity = await DrawActivity.get(id=aid)
    ranked = order(draw_key(activity.seed or "", NONCE), condition.id, "main",
                   condition.pool or [], weights)
    first = await Invitation.get(condition_id=condition.id, rank=0)
    assert first.expert_id == ranked[0]
    await finish(chat, aid)
    activity = await DrawActivity.get(id=aid)
    records = await Results.audit_records(activity)
    assert DrawAudit.audit(activity.seed or "", activity.seed_hash or "", records, NONCE).ok
    assert (await expertbot("audit", str(aid)))[0] == 0
    shown = await api.call("GET", f"/draws/activities/{aid}/audit", token)
    assert shown.data["ok"] and shown.data["pools"][0]["weighted"] is True
    assert shown.data["pools"][0]["weighting"].startswith(
        "按信用等级加权抽取（A 级权重 4、B 级权重 3、C 级权重 2、D 级权重 1")
    desk = Desk(client)  # the console's 随机性核对 says so too, in words
    assert (await desk.sign_in(demo["handler"].phone)).status == 303
    _, page = await desk.get(f"/console/activities/{aid}/audit")
    assert "一致" in page and "按信用等级加权抽取（A 级权重 4" in page
    # the exported record carries the weights; one changed there fails the offline audit
    record = DrawAudit.export_record(aid, activity.seed or "", activity.seed_hash or "", records,
                                     await OperationLog.log_export(activity), NONCE,
                                     Skips.activity_facts(activity))
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False))
    assert (await expertbot("audit", "--file", str(path)))[0] == 0
    pool = record["pools"][0]  # type: ignore[index]
    pool["weights"][str(experts[2].id)] = 4  # the D-level expert made an A
    path.write_text(json.dumps(record, ensure_ascii=False))
    code, out = await expertbot("audit", "--file", str(path))
    assert code == 1 and "a weight changed" in out
    # and so does one changed in the database, even with the pool's hash recomputed
    tampered = {**weights, experts[2].id: 4}
    await Condition.filter(id=condition.id).update(
        pool_weights={str(k): v for k, v in tampered.items()},
        pool_hash=pool_root(condition.id, "main", condition.pool or [], tampered))
    report = DrawAudit.audit(activity.seed or "", activity.seed_hash or "",
                             await Results.audit_records(activity), NONCE)
    assert not report.ok and "published before the draw started" in report.problems[0]
    assert (await expertbot("audit", str(aid)))[0] == 1
    # a weight dropped from the record: refused before any root is computed
    seed, digest, pools, nonce = DrawAudit.import_record(json.loads(path.read_text()))
    assert pools[0].weights is not None
    del pools[0].weights[experts[0].id]
    assert "not those of the pool's members" in DrawAudit.audit(seed, digest, pools,
                                                                nonce).problems[0]


async def test_an_experts_proof_of_a_weighted_draw_carries_their_weight(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        tmp_path: Path, expertbot: Expertbot) -> None:
    await make_experts(client, 5, first=5300)
    admin = await api.login(demo["admin"].mp_openid)
    assert (await api.call("PUT", "/admin/draw-policy", admin, {
        "weighted": True, "weight_a": 5, "weight_b": 3, "weight_c": 3,
        "weight_d": 2})).status == 200
    aid, token = await prepared(api, demo, total=2)
    assert (await start_draw(api, token, aid)).status == 200
    await finish(chat, aid)
    invited = await Invitation.filter(activity_id=aid, status=InvitationStatus.CONFIRMED
                                      ).first()
    assert invited is not None
    mp = await WeChatIdentity.get(person_id=invited.person_id, channel=Channel.MINI_PROGRAM)
    expert = await api.login(mp.openid)
    await the_results_unseal(aid, datetime.now(UTC))
    # the printed record says how the draw was weighted, in words
    link = (await api.call("GET", f"/draws/activities/{aid}/result-page", token)).data["url"]
    html = await (await client.get(link[link.index("/draws/"):])).text()
    assert "抽取方式" in html and "按信用等级加权抽取（A 级权重 5、B 级权重 3、C 级权重 3、" \
        "D 级权重 2" in html and "weight_a" not in html
    shown = await api.call("GET", "/expert/pools", expert)
    (mine,) = [p for p in shown.data["pools"] if p["activity_id"] == aid]
    # nothing on record: full credit, level A, but at most B's weight
    assert mine["proof"]["weight"] == 3
    said = await chat.say(await openid_of(invited.person_id), "抽取池")
    assert "按信用等级加权，您的权重为 3" in said.text
    proof = tmp_path / "proof.json"
    proof.write_text(json.dumps(mine["proof"]))
    code, out = await expertbot("audit", "--proof", str(proof), str(aid))
    assert code == 0 and "with weight 3" in out
    proof.write_text(json.dumps(dict(mine["proof"], weight=2)))
    assert (await expertbot("audit", "--proof", str(proof), str(aid)))[0] == 1
