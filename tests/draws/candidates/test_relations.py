"""Declared relations (CK-198 Art. 16 (二), GPL-REG Art. 9 (四), GD-CG-1 Art. 21): an expert
declares close relatives, the ID numbers kept only as keyed hashes and shown masked; the draw
passes over an expert whose relative holds a post at a unit the activity avoids (the
tenderer, a bidder), never seats two related experts in one committee (the second is passed
over, and says whom it met on 随机性核对 after unsealing), and where both had confirmed
before the relation was declared, both places go and each is told why."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.applications import Application
from models.draws import Avoidance, DrawLog, Invitation, InvitationStatus, SkippedCandidate
from models.experts import ExpertProfile, ExpertRelative
from models.notifications import Notification
from models.people import Person, phone_is
from models.reference import WorkUnit
from services.demo import demo_id
from services.draws.candidates.skip_reasons import SkipReasons
from tests.support.api import Api
from tests.support.applications import FILES, applicant, form, make_batch
from tests.support.draw_world import (
    TENDERER,
    finish,
    make_experts,
    prepared,
    start_draw,
    supplement,
    the_results_unseal,
)
from tests.support.helpers import TEXTS
from tests.support.wechat import Chat
from web.context import DOMAIN

SPECIALTY = "A0802"  # none of the demo's experts has it: the experts made here are the pool
RELATIVE_ID = demo_id("440106", date(1975, 5, 5), 17, False)


async def _declares(expert: ExpertProfile, **row: object) -> ExpertRelative:
    """A relation as the declaration keeps it (the API's own checks are tested below)."""
    return await ExpertRelative.create(expert_id=expert.id, relation="spouse",
                                       name_masked="李*", id_masked="440106********0000",
                                       declared_at=datetime.now(UTC), **row)


async def _hash_of(expert: ExpertProfile) -> str:
    return (await Person.get(id=expert.person_id)).id_number_hash


async def test_the_expert_declares_relatives_each_line_checked_and_reads_them_masked(
        api: Api, client: TestClient) -> None:
    (expert,) = await make_experts(client, 1, first=1500, specialty=SPECIALTY)
    token = await api.login("mp_ex_1500")
    good = {"relation": "spouse", "name": "李晓红", "id_number": RELATIVE_ID,
            "unit_name": "广州某建设有限公司", "post": "legal_rep"}
    bad_id = await api.call("PUT", "/expert/relatives", token, {"items": [
        good, {**good, "id_number": RELATIVE_ID[:-1] + "0"}]})
    assert bad_id.status == 400 and "第2行" in bad_id.message and "身份证号码" in bad_id.message
    own = client.app[DOMAIN].vault.decrypt((await Person.get(
        id=expert.person_id)).id_number_enc)
    itself = await api.call("PUT", "/expert/relatives", token, {"items": [
        {**good, "id_number": own}]})
    assert itself.status == 400 and "您本人的身份证号码" in itself.message
    no_post = await api.call("PUT", "/expert/relatives", token, {"items": [
        {**good, "post": ""}]})
    assert no_post.status == 400 and "担任的职务" in no_post.message
    assert not await ExpertRelative.filter(expert_id=expert.id).exists()  # nothing half-kept
    declared = await api.call("PUT", "/expert/relatives", token, {"items": [
        good, {"relation": "lineal", "name": "王强", "id_number": demo_id(
            "440104", date(2001, 2, 3), 5, True)}]})
    assert declared.status == 200, declared.data
    first, second = declared.data["items"]
    assert (first["relation_name"], first["name"], first["post_name"]) == (
        "配偶", "李*红", "法定代表人")
    assert first["id_number"] == RELATIVE_ID[:6] + "********" + RELATIVE_ID[-4:]
    assert (second["relation_name"], second["unit_name"], second["post_name"]) == (
        "直系血亲", "", "")
    # only the keyed hash is kept of the ID number, and no full name
    row = await ExpertRelative.get(id=first["id"])
    assert RELATIVE_ID not in str(row.__dict__) and "李晓红" not in str(row.__dict__)
    assert row.id_hash == client.app[DOMAIN].vault.lookup_hash(RELATIVE_ID)
    # a new declaration replaces the last; an empty one says there is none
    assert (await api.call("PUT", "/expert/relatives", token, {"items": []})).data["items"] == []


async def test_an_expert_whose_relative_heads_the_tenderer_is_passed_over_and_audited(
        api: Api, client: TestClient, chat: Chat, demo: dict) -> None:
    experts = await make_experts(client, 3, first=1510, specialty=SPECIALTY)
    related = experts[1]
    await _declares(related, id_hash="0" * 64, unit_name=TENDERER[0], post="legal_rep")
    # a relative at an unrelated unit, or at the tenderer without a post, passes
    await _declares(experts[0], id_hash="1" * 64, unit_name="另一家公司", post="director")
    await _declares(experts[2], id_hash="2" * 64, unit_name=TENDERER[0])
    aid, token = await prepared(api, demo, total=3, specialty=SPECIALTY)  # all reached
    assert (await start_draw(api, token, aid)).status == 200
    invited = set(await Invitation.filter(activity_id=aid).values_list("expert_id", flat=True))
    assert invited == {experts[0].id, experts[2].id}
    skip = await SkippedCandidate.get(expert_id=related.id)
    assert skip.reason.startswith("relative:")
    assert "近亲属在须回避的单位任职" in SkipReasons.said(skip.reason, TEXTS)
    # the audit reads the relative's record again and finds it bears the skip out, and a
    # declaration withdrawn since keeps it on the record
    await finish(chat, aid)
    await ExpertRelative.filter(expert_id=related.id).update(withdrawn_at=datetime.now(UTC))
    await the_results_unseal(aid, datetime.now(UTC))
    page = await api.call("GET", f"/draws/activities/{aid}/audit", token)
    assert page.data["ok"] is True, page.data
    reasons = [s["reason"] for p in page.data["pools"] for s in p.get("skipped") or []]
    assert any("近亲属" in r for r in reasons)


async def test_two_related_experts_never_sit_together_the_second_is_passed_over(
        api: Api, client: TestClient, chat: Chat, demo: dict) -> None:
    a, b, c = await make_experts(client, 3, first=1520, specialty=SPECIALTY)
    await _declares(b, id_hash=await _hash_of(a))  # b declared a: related either way
    aid, token = await prepared(api, demo, total=3, specialty=SPECIALTY)  # all reached
    assert (await start_draw(api, token, aid)).status == 200
    invited = {i.expert_id: i for i in await Invitation.filter(activity_id=aid)}
    assert c.id in invited and len(invited) == 2 and len({a.id, b.id} & set(invited)) == 1
    (skip,) = await SkippedCandidate.filter(expert_id__in=[a.id, b.id])
    seated = invited[a.id if a.id in invited else b.id]
    assert skip.reason == f"related:{seated.id}"
    # on 随机性核对 once the results unseal: in words, and the audit finds it borne out
    await finish(chat, aid)
    await the_results_unseal(aid, datetime.now(UTC))
    page = await api.call("GET", f"/draws/activities/{aid}/audit", token)
    assert page.status == 200, page.data
    reasons = [s["reason"] for p in page.data["pools"] for s in p.get("skipped") or []]
    assert "与本次评审已邀请或已确认的另一位专家有亲属关系" in reasons
    assert page.data["ok"] is True, page.data


async def test_a_relation_between_two_confirmed_waits_for_the_administrator_then_both_go(
        api: Api, client: TestClient, chat: Chat, demo: dict) -> None:
    a, b = await make_experts(client, 2, first=1530, specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=2, specialty=SPECIALTY)
    assert (await start_draw(api, token, aid)).status == 200
    assert len(await finish(chat, aid)) == 2
    # b declares a afterwards by a's ID number: a name other than the register's is refused
    # in words, nothing kept, nobody told
    vault = client.app[DOMAIN].vault
    a_id = vault.decrypt((await Person.get(id=a.person_id)).id_number_enc)
    token_b = await api.login("mp_ex_1531")
    wrong = await api.call("PUT", "/expert/relatives", token_b, {"items": [
        {"relation": "collateral", "name": "专家甲", "id_number": a_id}]})
    assert wrong.status == 400, wrong.data
    assert "第1行" in wrong.message and "姓名与专家库" in wrong.message
    assert "核对" in wrong.message and "未保存" in wrong.message
    assert not await ExpertRelative.filter(expert_id=b.id).exists()
    assert not await Notification.filter(kind__startswith="draw.kin").exists()
    # the register's name: kept, and held for the administrator (GD-CG-1 Art. 21): nobody
    # loses a place yet, both are told in words, the administrators told a case waits
    declared = await api.call("PUT", "/expert/relatives", token_b, {"items": [
        {"relation": "collateral", "name": " 专家1530 ", "id_number": a_id}]})
    assert declared.status == 200, declared.data
    both = await Invitation.filter(activity_id=aid).order_by("id")
    assert {i.status for i in both} == {InvitationStatus.CONFIRMED}
    held = await Notification.filter(kind="draw.kin_pending")
    assert sorted(n.person_id for n in held) == sorted([a.person_id, b.person_id])
    said = _said(held[0])
    assert "专家库管理员确认" in said and "安排不变" in said and "双方均需回避" in said
    admins = await Notification.filter(kind="draw.kin_to_confirm").values_list(
        "person_id", flat=True)
    admin_person = await Person.get(phone_is(demo["admin"].phone))
    assert admin_person.id in admins
    assert not await Notification.filter(kind="draw.kin_released").exists()
    # declaring again holds nothing more
    again = await api.call("PUT", "/expert/relatives", token_b, {"items": [
        {"relation": "collateral", "name": "专家1530", "id_number": a_id}]})
    assert again.status == 200
    assert await Notification.filter(kind="draw.kin_pending").count() == 2
    # the agency is no desk for it; the administrator reads the case: names, no project
    assert (await api.call("GET", "/admin/kin-releases", token)).status == 403
    admin = await api.login(demo["admin"].mp_openid)
    listed = await api.call("GET", "/admin/kin-releases", admin)
    assert listed.status == 200, listed.data
    (case,) = listed.data["cases"]
    assert (case["state_title"], case["declared_by"]) == ("待确认", "专家1531")
    assert sorted(e["name"] for e in case["experts"]) == ["专家1530", "专家1531"]
    assert "某市第一中学" not in str(case)
    # confirmed: both places go, each told why, the agency told places opened (no name)
    decided = await api.call("POST", f"/admin/kin-releases/{case['id']}", admin,
                             {"related": True})
    assert decided.status == 200, decided.data
    assert decided.data["state_title"] == "已确认"
    both = await Invitation.filter(activity_id=aid)
    assert {(i.status, i.absence) for i in both} == {(InvitationStatus.ABSENT, "亲属回避")}
    told = await Notification.filter(kind="draw.kin_released").values_list("person_id",
                                                                            flat=True)
    assert sorted(told) == sorted([a.person_id, b.person_id])
    opened = await Notification.filter(kind="draw.place_opened").values_list("person_id",
                                                                             flat=True)
    assert len(opened) == 2 * len(set(opened)) and opened
    assert await DrawLog.filter(activity_id=aid, action="kin_release", role="admin"
                                ).count() == 2
    twice = await api.call("POST", f"/admin/kin-releases/{case['id']}", admin,
                           {"related": True})
    assert twice.status == 409 and "已经处理过" in twice.message
    # the library's release is not the agency's to undo
    await the_results_unseal(aid, datetime.now(UTC))
    undo = await api.call("POST", f"/draws/activities/{aid}/absences/{both[0].id}/undo", token,
                          {"reason": "登记错误"})
    assert undo.status == 409 and "不能撤销" in undo.message


async def _held_pair(api: Api, client: TestClient, chat: Chat, demo: dict, first: int
                     ) -> tuple[int, list[dict], str]:
    """Two experts confirmed for one evaluation, the second declaring the first by the
    register's name: the held case's id, its experts, the administrator's token."""
    a, _ = await make_experts(client, 2, first=first, specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=2, specialty=SPECIALTY)
    assert (await start_draw(api, token, aid)).status == 200
    assert len(await finish(chat, aid)) == 2
    number = client.app[DOMAIN].vault.decrypt((await Person.get(id=a.person_id)).id_number_enc)
    declared = await api.call("PUT", "/expert/relatives", await api.login(f"mp_ex_{first + 1}"),
                              {"items": [{"relation": "spouse", "name": f"专家{first}",
                                          "id_number": number}]})
    assert declared.status == 200, declared.data
    admin = await api.login(demo["admin"].mp_openid)
    (case,) = (await api.call("GET", "/admin/kin-releases", admin)).data["cases"]
    return case["id"], case["experts"], admin


def _said(note: Notification) -> str:
    return TEXTS.render(f"notify/{note.kind}/chat.j2", **note.params).strip()


async def test_one_who_withdrew_by_agreement_leaves_and_the_other_stays(
        api: Api, client: TestClient, chat: Chat, demo: dict) -> None:
    """GD-CG-1 Art. 21: "其中一方应当主动提出回避" — the administrator records the one who
    stays; only the other's place goes, and each is told what it means for them."""
    case, (staying, leaving), admin = await _held_pair(api, client, chat, demo, 1545)
    kept_one = await api.call("POST", f"/admin/kin-releases/{case}", admin, {
        "related": True, "stays_invitation_id": staying["invitation_id"]})
    assert kept_one.status == 200, kept_one.data
    stayed = await Invitation.get(id=staying["invitation_id"])
    left = await Invitation.get(id=leaving["invitation_id"])
    assert stayed.status == InvitationStatus.CONFIRMED
    assert (left.status, left.absence) == (InvitationStatus.ABSENT, "亲属回避")
    (kept,) = await Notification.filter(kind="draw.kin_kept")
    assert kept.person_id == stayed.person_id and "席位保留" in _said(kept)
    (gone,) = await Notification.filter(kind="draw.kin_released")
    assert gone.person_id == left.person_id and "请不要前往" in _said(gone)


async def test_a_relation_not_borne_out_keeps_both_places_and_both_are_told(
        api: Api, client: TestClient, chat: Chat, demo: dict) -> None:
    case, experts, admin = await _held_pair(api, client, chat, demo, 1550)
    invitations = [e["invitation_id"] for e in experts]
    odd = await api.call("POST", f"/admin/kin-releases/{case}", admin, {
        "related": False, "stays_invitation_id": invitations[0]})
    assert odd.status == 400 and "重新选择" in odd.message
    dismissed = await api.call("POST", f"/admin/kin-releases/{case}", admin,
                               {"related": False})
    assert dismissed.status == 200 and dismissed.data["state_title"] == "不予确认"
    kept = await Invitation.filter(id__in=invitations)
    assert {i.status for i in kept} == {InvitationStatus.CONFIRMED}
    told = await Notification.filter(kind="draw.kin_kept")
    assert sorted(n.person_id for n in told) == sorted(i.person_id for i in kept)
    assert all("席位保留" in _said(n) for n in told)
    assert not await Notification.filter(kind="draw.kin_released").exists()
    listed = await api.call("GET", "/admin/kin-releases", admin, params={"state": "dismissed"})
    assert [c["id"] for c in listed.data["cases"]] == [case]


async def test_an_invited_relative_accepting_after_one_was_seated_is_released_in_words(
        api: Api, client: TestClient, chat: Chat, demo: dict) -> None:
    a, b = await make_experts(client, 2, first=1535, specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=2, specialty=SPECIALTY)
    assert (await start_draw(api, token, aid)).status == 200
    first = await Invitation.get(activity_id=aid, expert_id=a.id)
    await chat.say("o_ex_1535", "1")  # a accepts, then declares b
    b_id = client.app[DOMAIN].vault.decrypt((await Person.get(id=b.person_id)).id_number_enc)
    declared = await api.call("PUT", "/expert/relatives", await api.login("mp_ex_1535"), {
        "items": [{"relation": "spouse", "name": "专家1536", "id_number": b_id}]})
    assert declared.status == 200, declared.data
    assert (await Invitation.get(id=first.id)).status == InvitationStatus.CONFIRMED
    reply = await chat.say("o_ex_1536", "1")
    assert "有亲属关系" in reply.text and "无需前往" in reply.text
    second = await Invitation.get(activity_id=aid, expert_id=b.id)
    assert (second.status, second.reason) == (InvitationStatus.RELEASED, "亲属回避")
    # a declaration leaving the row out withdraws it; the draw reads the list as it is now
    assert (await api.call("PUT", "/expert/relatives", await api.login("mp_ex_1535"),
                           {"items": []})).status == 200
    (row,) = await ExpertRelative.filter(expert_id=a.id)
    assert row.withdrawn_at is not None



async def test_the_application_declares_relatives_kept_as_hashes_and_the_expert_keeps_them(
        api: Api, client: TestClient, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch("2026年评标专家征集（亲属申报）")
    started = await api.call("POST", "/applications", token, {"batch_id": batch.id})
    app_id = started.data["id"]
    line = {"relation": "in_law", "name": "赵大勇", "id_number": RELATIVE_ID,
            "unit_name": TENDERER[0], "credit_code": TENDERER[1], "post": "supervisor"}
    saved = await api.call("PUT", f"/applications/{app_id}", token, form(relatives=[line]))
    assert saved.status == 200, saved.data
    app = await Application.get(id=app_id)
    assert RELATIVE_ID not in str(app.data) and "赵大勇" not in str(app.data)
    (kept,) = app.data["relatives"]
    assert (kept["name"], kept["id_number"]) == ("赵*勇", None)
    assert kept["id_hash"] == client.app[DOMAIN].vault.lookup_hash(RELATIVE_ID)
    # the line sent back as it was read keeps it, whatever name or number it says; a hash
    # the draft never held is refused
    again = await api.call("PUT", f"/applications/{app_id}", token, {"relatives": [
        {**kept, "name": "赵大勇", "id_masked": RELATIVE_ID, "post": "director"}]})
    assert again.status == 200, again.data
    (now_kept,) = (await Application.get(id=app_id)).data["relatives"]
    assert (now_kept["name"], now_kept["id_masked"], now_kept["post"]) == (
        "赵*勇", kept["id_masked"], "director")
    again = await api.call("PUT", f"/applications/{app_id}", token, {"relatives": [kept]})
    assert again.status == 200, again.data
    forged = await api.call("PUT", f"/applications/{app_id}", token, {"relatives": [
        {**kept, "id_hash": "sm3:" + "f" * 60}]})
    assert forged.status == 400 and "第1行" in forged.message
    assert (await Application.get(id=app_id)).data["relatives"] == [kept]  # nothing lost
    # the printed form lists them, masked
    for kind, content in FILES.items():
        assert (await api.upload(f"/applications/{app_id}/attachments/{kind}", token,
                                 content)).status == 200, kind
    printed = await api.call("POST", f"/applications/{app_id}/print", token)
    assert printed.status == 200, printed.data
    page = await (await client.get(printed.data["form_url"].partition("//")[2].partition(
        "/")[1] + printed.data["form_url"].partition("//")[2].partition("/")[2])).text()
    assert "近亲属及其任职单位" in page and "赵*勇" in page and "监事" in page
    assert "赵大勇" not in page and RELATIVE_ID not in page
    # approved, the expert's list is the application's
    (expert,) = await make_experts(client, 1, first=1540, specialty=SPECIALTY)
    await Application.filter(id=app_id).update(person_id=expert.person_id)
    await client.app[DOMAIN].experts.apply_to_profile(expert, await Application.get(id=app_id),
                                                      client.app[DOMAIN].relatives)
    (row,) = await ExpertRelative.filter(expert_id=expert.id)
    assert (row.relation, row.post, row.credit_code, row.id_hash) == (
        "in_law", "supervisor", TENDERER[1], kept["id_hash"])


async def test_an_application_names_a_relative_who_is_an_expert_as_the_register_does(
        api: Api, client: TestClient, demo: dict) -> None:
    (expert,) = await make_experts(client, 1, first=1590, specialty=SPECIALTY)
    number = client.app[DOMAIN].vault.decrypt((await Person.get(
        id=expert.person_id)).id_number_enc)
    token = await applicant(api, demo)
    batch = await make_batch("2026年评标专家征集（亲属姓名）")
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})).data["id"]
    line = {"relation": "spouse", "name": "专家一五九零", "id_number": number}
    wrong = await api.call("PUT", f"/applications/{app_id}", token, form(relatives=[line]))
    assert wrong.status == 400 and "第1行" in wrong.message and "姓名与专家库" in wrong.message
    assert not (await Application.get(id=app_id)).data.get("relatives")
    right = await api.call("PUT", f"/applications/{app_id}", token,
                           form(relatives=[{**line, "name": "专家1590"}]))
    assert right.status == 200, right.data
    (kept,) = (await Application.get(id=app_id)).data["relatives"]
    assert kept["name"] == "专****0" and kept["id_number"] is None


async def test_a_generated_register_with_planted_relations_is_drawn_around_them(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """Thirty-two experts: eight whose relative holds a post at the tenderer (by its code, by
    its name, by a former name the register keeps, or as the person avoided by ID number),
    eight with a relative there without a post or at another unit, four related pairs, eight
    clean. The draw asks for more places than it can fill, so it reaches everyone: every
    planted conflict is passed over, no other is, and one of each pair serves; recall and
    false positives printed."""
    made = await make_experts(client, 32, first=1700, specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=30, specialty=SPECIALTY)
    assert await WorkUnit.filter(credit_code=TENDERER[1]).update(
        other_names=["某市第一中学（旧名）"])
    avoided_person = demo_id("440103", date(1968, 3, 3), 21, True)
    await Avoidance.create(activity_id=aid, kind="person", name="某投标人法定代表人",
                           id_hash=client.app[DOMAIN].vault.lookup_hash(avoided_person))
    planted, harmless, pairs = set(), set(), []
    for n, expert in enumerate(made[:8]):  # planted: four ways
        way = n % 4
        await _declares(expert, id_hash=client.app[DOMAIN].vault.lookup_hash(
            avoided_person) if way == 3 else f"{n:064d}", post="" if way == 3 else "director",
            unit_name={0: "某中学（简称）", 1: TENDERER[0], 2: "某市第一中学（旧名）",
                       3: ""}[way], credit_code=TENDERER[1] if way == 0 else None)
        planted.add(expert.id)
    for n, expert in enumerate(made[8:16]):  # harmless: no post there, or another unit
        await _declares(expert, id_hash=f"{n + 100:064d}",
                        unit_name=TENDERER[0] if n % 2 else "另一家公司",
                        post="" if n % 2 else "legal_rep")
        harmless.add(expert.id)
    for first, second in zip(made[16:24:2], made[17:24:2], strict=True):
        await _declares(second if first.id % 2 else first,
                        id_hash=await _hash_of(first if first.id % 2 else second))
        pairs.append({first.id, second.id})
    assert (await start_draw(api, token, aid)).status == 200
    served = {i.expert_id for i in await finish(chat, aid)}
    relative = {s.expert_id for s in await SkippedCandidate.filter(
        reason__startswith="relative:")}
    related = {s.expert_id for s in await SkippedCandidate.filter(reason__startswith="related:")}
    recall = len(relative & planted) / len(planted)
    false_positives = len(relative - planted) + len(related - set().union(*pairs))
    print(f"planted {len(planted)} relatives at avoided units: recall {recall:.0%}; "
          f"{len(pairs)} related pairs, one of each passed over: "
          f"{sum(len(p & related) == 1 for p in pairs)}; false positives {false_positives}")
    assert recall == 1 and false_positives == 0
    assert all(len(p & served) == 1 and len(p & related) == 1 for p in pairs)
    assert harmless <= served and not planted & served


async def _supplement_for(api: Api, token: str, aid: int, absent: Invitation) -> None:
    """The results unsealed, `absent` registered absent (请假), a 补抽 for the place."""
    now = datetime.now(UTC)
    await the_results_unseal(aid, now)
    assert (await api.call("POST", f"/draws/activities/{aid}/absences", token,
                           {"key": absent.code, "kind": "请假"})).status == 200
    started = await supplement(api, token, aid,
                               gather_at=(now + timedelta(hours=1)).isoformat())
    assert started.status == 200, started.data


async def test_a_supplementary_draw_passes_over_a_relative_of_one_already_seated(
        api: Api, client: TestClient, chat: Chat, demo: dict) -> None:
    """The committee is the evaluation with its 补抽: a candidate of the 补抽 related to an
    expert the first draw seated is passed over, naming that expert's invitation."""
    first_two = await make_experts(client, 2, first=1560, specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=2, specialty=SPECIALTY)
    assert (await start_draw(api, token, aid)).status == 200
    served = {i.expert_id: i for i in await finish(chat, aid)}
    assert set(served) == {e.id for e in first_two}
    absent, seated = sorted(served.values(), key=lambda i: i.id)
    # the only candidate left for the 补抽 is a relative of the one still seated
    (relative,) = await make_experts(client, 1, first=1562, specialty=SPECIALTY)
    await _declares(relative, id_hash=await _hash_of(
        next(e for e in first_two if e.id == seated.expert_id)))
    await _supplement_for(api, token, aid, absent)
    skip = await SkippedCandidate.get(expert_id=relative.id)
    assert skip.reason == f"related:{seated.id}"
    assert not await Invitation.filter(expert_id=relative.id).exists()


async def test_a_supplementary_invitee_accepting_after_a_relation_with_one_seated_is_released(
        api: Api, client: TestClient, chat: Chat, demo: dict) -> None:
    """The reply reads the committee across the evaluation and its 补抽: the 补抽's
    candidate was no relative when drawn; they declare one seated by the first draw
    before they answer, and their 1 is released in words."""
    first_two = await make_experts(client, 2, first=1570, specialty=SPECIALTY)
    aid, token = await prepared(api, demo, total=2, specialty=SPECIALTY)
    assert (await start_draw(api, token, aid)).status == 200
    absent, seated = sorted((await finish(chat, aid)), key=lambda i: i.id)
    (candidate,) = await make_experts(client, 1, first=1572, specialty=SPECIALTY)
    await _supplement_for(api, token, aid, absent)
    invited = await Invitation.get(expert_id=candidate.id)
    assert invited.activity_id != aid and invited.status == InvitationStatus.SENT
    # the candidate declares the seated one (test_an_invited_relative_accepting_after_one_
    # was_seated_is_released_in_words has the seated one declare the candidate)
    await _declares(candidate, id_hash=await _hash_of(
        next(e for e in first_two if e.id == seated.expert_id)))
    reply = await chat.say("o_ex_1572", "1")
    assert "有亲属关系" in reply.text and "无需前往" in reply.text
    released = await Invitation.get(id=invited.id)
    assert (released.status, released.reason) == (InvitationStatus.RELEASED, "亲属回避")


async def test_a_reevaluation_by_calls_is_not_submitted_while_two_attending_are_related(
        api: Api, client: TestClient, demo: dict) -> None:
    """By calls the staff agrees with the two which one withdraws (GD-CG-1 Art. 21: "其中
    一方应当主动提出回避"): the final confirmation names them until one is recorded 不参加."""
    from models.draws import DrawActivity
    from services.common.errors import Conflict
    from services.draws.followups.recall import require_eligible

    a, b, c = await make_experts(client, 3, first=1570, specialty=SPECIALTY)
    await _declares(a, id_hash=await _hash_of(b))
    aid, _ = await prepared(api, demo, total=1, specialty=SPECIALTY)
    activity = await DrawActivity.get(id=aid)
    try:
        await require_eligible(activity, {a.id: "专家甲", b.id: "专家乙", c.id: "专家丙"})
    except Conflict as refused:
        assert refused.code == "recall.related"
        said = TEXTS.error(refused)
        assert "专家甲与专家乙" in said and "不参加" in said and "专家丙" not in said
    else:
        raise AssertionError("two related experts were both recalled")
    await require_eligible(activity, {a.id: "专家甲", c.id: "专家丙"})  # one withdrew
