"""Building blocks for draw tests: formal experts in bulk, an activity prepared, submitted
and verified through the mini-program API as the agency and the trading centre do, an
invitation waiting for an expert's answer, and an evaluation that has just begun."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from models.draws import (
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    Project,
    sealed_seed,
)
from models.experts import ExpertAvoidUnit, ExpertProfile, ExpertSpecialty
from models.people import Person, Role, RoleGrant, sealed_phone
from models.wechat import Channel, WeChatIdentity
from sandbox.platform import Platform
from services.demo_codes import demo_credit_code, demo_id
from tests.support.api import Api, ApiAnswer
from tests.support.wechat import Chat
from web.context import DOMAIN

TENDERER = ("某市第一中学", demo_credit_code(50))
# GD-DRAW's starred project fields besides the name and the tenderer (招标项目信息)
PROJECT_FORM = {"kind": "工程建设项目招标投标/房屋建筑", "region": "4401",
                "funding": "国家或政府投资项目", "tender_method": "公开招标",
                "organisation": "委托招标", "tenderer_type": "法人", "investment_yuan": 1500000,
                "contact_name": "张三", "contact_phone": "020-83838383"}
# GD-DRAW's starred activity fields besides the times and the count (活动信息)
ACTIVITY_FORM = {"media": "广东省招标投标监管网", "bid_open_region": "440103", "on_site": False}
# the same as the console's forms take them (the investment in 万元, 是否进场项目 a radio)
DESK_PROJECT_FORM = {**{k: str(v) for k, v in PROJECT_FORM.items() if k != "investment_yuan"},
                     "investment_wan": "150"}
DESK_ACTIVITY_FORM = {**{k: v for k, v in ACTIVITY_FORM.items() if k != "on_site"},
                      "on_site": "0"}


async def make_experts(client: TestClient, count: int, *, first: int = 1000,
                       region: str = "4401", specialty: str = "A0401",
                       unit_code: str | None = None, willing: tuple[str, ...] | None = None,
                       remote_ok: bool = True) -> list[ExpertProfile]:
    """`count` formal experts who follow the official account (openid o_ex_<n>) and use the
    mini-program (mp_ex_<n>); `remote_ok`: their answer to 是否接受异地评标."""
    vault = client.app[DOMAIN].vault
    made = []
    for n in range(first, first + count):
        number = demo_id("440104", date(1970, 1, 1) + timedelta(days=n), n % 400, True)
        person = await Person.create(
            name=f"专家{n}", id_number_enc=vault.encrypt(number),
            id_number_hash=vault.lookup_hash(number), id_masked=number[:6] + "********" +
            number[-4:], gender="M", birth_year=int(number[6:10]), **sealed_phone(f"139{n:08d}"))
        await RoleGrant.create(person=person, role=Role.EXPERT, expert_number=f"T-{n}")
        await WeChatIdentity.create(openid=f"o_ex_{n}", channel=Channel.OFFICIAL_ACCOUNT,
                                    person_id=person.id, subscribed=True,
                                    bound_at=datetime.now(UTC))
        await WeChatIdentity.create(openid=f"mp_ex_{n}", channel=Channel.MINI_PROGRAM,
                                    person_id=person.id, bound_at=datetime.now(UTC))
        profile = await ExpertProfile.create(
            person_id=person.id, expert_number=f"T-{n}", region=region,
            willing_regions=list(willing if willing is not None else (region,)),
            work_unit=f"单位{n}",
            unit_credit_code=unit_code or demo_credit_code(n), title_level="正高",
            industry="住建", remote_ok=remote_ok)
        await ExpertSpecialty.create(expert=profile, code=specialty, is_primary=True)
        await ExpertAvoidUnit.create(expert=profile, unit_name=profile.work_unit,
                                     credit_code=profile.unit_credit_code, reason="本人工作单位")
        made.append(profile)
    return made


async def prepared(api: Api, demo: dict, *, total: int = 3, planned: list[int] | None = None,
                   eval_in: timedelta = timedelta(days=2), specialty: str = "A0401",
                   alternate: str | None = None, response_minutes: int = 10,
                   verify: bool = True, contact_phone: str = "020-12345678",
                   on_site: bool = False, regions: tuple[str, ...] = ("4401",),
                   region_mode: str = "residence", submitted: bool = True,
                   tenderer: tuple[str, str] = TENDERER,
                   supervisor: tuple[str, str] = ("", ""),
                   project_form: dict[str, Any] | None = None,
                   committee: tuple[int, int] | None = None) -> tuple[int, str]:
    """A verified activity (or only submitted, or a draft); returns its id and the
    handler's token. `committee`: its size and representatives, recorded with it (the
    experts to draw, `total`, are then the size less the representatives)."""
    token = await api.login(demo["handler"].mp_openid)
    now = datetime.now(UTC)
    project = await api.call("POST", "/draws/projects", token, {
        "name": "某市第一中学教学楼新建工程", "number": f"GZ-{now.timestamp():.6f}",
        **PROJECT_FORM, **(project_form or {}), "tenderer_name": tenderer[0],
        "tenderer_credit_code": tenderer[1], "supervisor_name": supervisor[0],
        "supervisor_credit_code": supervisor[1],
        "sections": [{"number": "1", "name": "施工"}, {"number": "2", "name": "监理"}]})
    assert project.status == 200, project.data
    start = now + eval_in
    activity = await api.call("POST", "/draws/activities", token, {
        **ACTIVITY_FORM,
        "project_id": project.data["id"], "section_ids": [project.data["sections"][0]["id"]],
        "bid_open_at": (start - timedelta(hours=1)).isoformat(),
        "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=6)).isoformat(),
        "total": total, "response_minutes": response_minutes, "on_site": on_site,
        **({"committee_size": committee[0], "representatives": committee[1]}
           if committee else {})})
    assert activity.status == 200, activity.data
    aid = activity.data["id"]
    notice = await api.call("POST", f"/draws/activities/{aid}/notices", token, {
        "venue": "广州公共资源交易中心", "city": "广州市", "district": "天河区",
        "street": "天润路333号", "room": "5楼评标室", "contact_name": "陈志强",
        "contact_phone": contact_phone, "notes": "请携带身份证",
        "gather_at": (start - timedelta(minutes=30)).isoformat()})
    assert notice.status == 200, notice.data
    for count in planned or [total]:
        condition = await api.call("POST", f"/draws/activities/{aid}/conditions", token, {
            "notice_id": notice.data["notices"][0]["id"], "regions": list(regions),
            "region_mode": region_mode, "main_specialty": specialty,
            "alternate_specialty": alternate, "planned": count})
        assert condition.status == 200, condition.data
    if not submitted:
        return aid, token
    sent = await submit(api, token, aid)
    assert sent.status == 200, sent.data
    if verify:
        verifier = await api.login(demo["verifier"].mp_openid)
        verified = await api.call("POST", f"/verify/activities/{aid}", verifier,
                                  {"approve": True, "small_pool_ok": True})
        assert verified.status == 200, verified.data
    return aid, token


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"  # an attachment, a PDF by its content


async def submit(api: Api, token: str, aid: int, reason: str = "按招标计划抽取评标专家"
                 ) -> ApiAnswer:
    """GD-DRAW: "填写信息并上传申请附件后点击提交审核"."""
    uploaded = await api.upload(f"/draws/activities/{aid}/evidence/submission", token, PDF,
                                "专家抽取申请.pdf", "application/pdf")
    assert uploaded.status == 200, uploaded.data
    return await api.call("POST", f"/draws/activities/{aid}/submit", token, {"reason": reason})


NONCE = "0815"  # what the handler types at the start: the server does not choose it


async def start_draw(api: Api, token: str, aid: int, nonce: str = NONCE) -> ApiAnswer:
    return await api.call("POST", f"/draws/activities/{aid}/start", token, {"nonce": nonce})


async def ask_withdrawal(api: Api, token: str, aid: int, reason: str) -> ApiAnswer:
    """GD-DRAW: "首先要填写退选原因并上传证明材料至抽取终端审核"."""
    uploaded = await api.upload(f"/draws/activities/{aid}/evidence/withdrawal", token, PDF,
                                "退选专家申请.pdf", "application/pdf")
    assert uploaded.status == 200, uploaded.data
    return await api.call("POST", f"/draws/activities/{aid}/withdrawal", token,
                          {"reason": reason})


async def openid_of(person_id: int) -> str:
    return (await WeChatIdentity.get(person_id=person_id,
                                     channel=Channel.OFFICIAL_ACCOUNT)).openid


async def finish(chat: Chat, activity_id: int) -> list[Invitation]:
    """Every invited expert of the activity accepts until it ends."""
    for _ in range(10):
        waiting = await Invitation.filter(activity_id=activity_id, status=InvitationStatus.SENT)
        if not waiting:
            break
        for item in waiting:
            await chat.say(await openid_of(item.person_id), "1")
    return await Invitation.filter(activity_id=activity_id, status=InvitationStatus.CONFIRMED)


async def drawn(api: Api, chat: Chat, demo: dict, total: int = 2,
                contact_phone: str = "020-12345678", on_site: bool = False
                ) -> tuple[int, str]:
    aid, token = await prepared(api, demo, total=total, contact_phone=contact_phone,
                                on_site=on_site)
    started = await start_draw(api, token, aid)
    assert started.status == 200
    await finish(chat, aid)
    assert (await DrawActivity.get(id=aid)).status == "ended"
    return aid, token


async def the_results_unseal(aid: int, now: datetime) -> None:
    """GD-DRAW: results unseal 30 minutes before the evaluation. Here the gathering was ten
    minutes ago and the evaluation starts in twenty: unsealed, and nobody registered absent
    (only the agency registers an absence)."""
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(minutes=20),
                                             eval_end=now + timedelta(hours=6))
    await Notice.filter(activity_id=aid).update(gather_at=now - timedelta(minutes=10))


async def supplement(api: Api, token: str, aid: int, nonce: str = NONCE,
                     **body: object) -> ApiAnswer:
    """A 补抽 as the agency runs it (GD-DRAW): prepared (its seed and pools committed), then
    started with the handler's value; the preparation's answer when it is refused. While the
    results are sealed both answer with the evaluation itself."""
    prepared_ = await api.call("POST", f"/draws/activities/{aid}/supplement", token, body)
    if prepared_.status != 200:
        return prepared_
    return await api.call("POST", f"/draws/activities/{aid}/supplement/start", token,
                          {"nonce": nonce})


async def confirmed_elsewhere(activity: DrawActivity, expert_id: int, person_id: int
                              ) -> DrawActivity:
    """Another evaluation of the same agency an hour later (overlapping `activity`'s), its
    draw ended, the expert confirmed there."""
    other = await DrawActivity.create(
        project_id=activity.project_id, agency_id=activity.agency_id,
        handler_id=activity.handler_id, status=DrawStatus.ENDED,
        bid_open_at=activity.bid_open_at, eval_start=activity.eval_start + timedelta(hours=1),
        eval_end=activity.eval_end + timedelta(hours=1), total=1)
    notice = await Notice.create(activity=other, venue="另一评标室", city="广州市",
                                 district="越秀区", street="东风中路1号",
                                 gather_at=other.eval_start, contact_name="李",
                                 contact_phone="020-1")
    condition = await Condition.create(activity=other, notice=notice, regions=["4401"],
                                       main_specialty="A0401", planned=1)
    now = datetime.now(UTC)
    await Invitation.create(activity=other, condition=condition, expert_id=expert_id,
                            person_id=person_id, rank=0, wave=1, sent_at=now, due_at=now,
                            status=InvitationStatus.CONFIRMED, code="1",
                            eval_start=other.eval_start, eval_end=other.eval_end)
    return other


async def invited_by_sms(person_id: int, now: datetime, number: str = "SMS-1") -> Invitation:
    """An invitation waiting for the person's answer (10 minutes to answer, GD-DRAW)."""
    handler = await RoleGrant.filter(role=Role.AGENCY_HANDLER).first()
    assert handler is not None
    project = await Project.create(agency_id=handler.agency_id, created_by=handler.person_id,
                                   name="某中学教学楼工程", number=number, kind="工程",
                                   region="4401", tenderer_name="某中学",
                                   tenderer_credit_code="91440101MA59X0000A")
    start = now + timedelta(days=1)
    activity = await DrawActivity.create(
        project=project, agency_id=handler.agency_id, handler_id=handler.person_id,
        status=DrawStatus.DRAWING, bid_open_at=start, eval_start=start,
        eval_end=start + timedelta(hours=4), total=1, started_at=now, **sealed_seed("5" * 64))
    notice = await Notice.create(activity=activity, venue="评标室302", city="广州市",
                                 district="天河区", street="天润路333号",
                                 gather_at=start - timedelta(minutes=30), contact_name="陈",
                                 contact_phone="020-87654321")
    condition = await Condition.create(activity=activity, notice=notice, regions=["4401"],
                                       main_specialty="A0401", planned=1)
    expert = await ExpertProfile.get(person_id=person_id)
    return await Invitation.create(activity=activity, condition=condition,
                                   expert_id=expert.id, person_id=person_id, rank=0, wave=1,
                                   sent_at=now, due_at=now + timedelta(minutes=10),
                                   eval_start=activity.eval_start, eval_end=activity.eval_end)


async def the_evaluation_starts_now(aid: int, now: datetime) -> None:
    """Gathering was 31 minutes ago, the evaluation started a minute ago."""
    await DrawActivity.filter(id=aid).update(eval_start=now - timedelta(minutes=1),
                                             eval_end=now + timedelta(hours=5))
    await Notice.filter(activity_id=aid).update(gather_at=now - timedelta(minutes=31))


async def first_confirmed(aid: int) -> Invitation:
    """The activity's first confirmed expert's invitation (their verification code on it)."""
    first = await Invitation.filter(activity_id=aid,
                                    status=InvitationStatus.CONFIRMED).order_by("id").first()
    assert first is not None and first.code
    return first


async def the_experts_gather_soon(aid: int, now: datetime) -> None:
    """Gathering in 20 minutes (the venue code works), the evaluation in 50."""
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(minutes=50),
                                             eval_end=now + timedelta(hours=5))
    await Notice.filter(activity_id=aid).update(gather_at=now + timedelta(minutes=20))


async def the_evaluation_is_over(aid: int, now: datetime) -> None:
    """The evaluation took place yesterday (a 复评 follows an evaluation held)."""
    await DrawActivity.filter(id=aid).update(eval_start=now - timedelta(days=1, hours=5),
                                             eval_end=now - timedelta(days=1))
    await Notice.filter(activity_id=aid).update(gather_at=now - timedelta(days=1, hours=6))


async def venue_scene(api: Api, token: str, aid: int, platform: Platform) -> str:
    qr = await api.call("GET", f"/draws/activities/{aid}/checkin-qr", token)
    assert qr.status == 200, qr.data
    return next(s for s, _ in reversed(platform.qr_tickets.values()) if s.startswith("ci:"))


def scanner(chat: Chat, scene: str, now: datetime):  # type: ignore[no-untyped-def]
    stamp = iter(range(int(now.timestamp()), int(now.timestamp()) + 100))

    async def scan(openid: str) -> str:
        return (await chat.event(openid, "SCAN", scene, create_time=next(stamp))).text

    return scan


async def desk_draft(server: TestServer, number: str, total: int = 3,
                     committee: tuple[int, int] | None = None) -> DrawActivity:
    """A draft activity of the demo handler's, made through the draws context as the
    desk's forms make one (the evaluation in 3 days); `committee`: its size and
    representatives."""
    grant = await RoleGrant.get(role=Role.AGENCY_HANDLER, revoked_at=None)
    setup = server.app[DOMAIN].draws.setup.activities
    project = await setup.create_project(grant.agency_id or 0, grant.person_id, {
        "name": "某市第一中学教学楼新建工程", "number": number, "kind": PROJECT_FORM["kind"],
        "region": "440106", "tenderer_name": TENDERER[0],
        "tenderer_credit_code": TENDERER[1]}, [("1", "施工", 0)])
    start = datetime.now(UTC) + timedelta(days=3)
    section = (await project.sections.all())[0]
    activity: DrawActivity = await setup.create_activity(
        project, grant.person_id, [section.id], {
            "bid_open_at": start - timedelta(hours=1), "eval_start": start,
            "eval_end": start + timedelta(hours=6), "total": total,
            **({"committee_size": committee[0], "representatives": committee[1]}
               if committee else {})}, datetime.now(UTC))
    return activity
