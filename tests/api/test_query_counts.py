"""No mini-program endpoint's query count grows with the rows it lists: the hot
reads are asked with a few rows and with many, and must send the same number of statements.
(Counts, not times: speed lives in bench/api.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestServer
from tortoise import Model

from config.settings import Settings
from models.applications import Application, Attachment, Batch, ReviewAction
from models.draw_evidence import DrawEvidence
from models.draws import (
    Avoidance,
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    Project,
)
from models.experts import ExpertProfile
from models.orm.statements import on_postgres
from models.people import Person, phone_is
from models.wechat import Channel, WeChatIdentity
from services.applicants.reads import ApplicationReads
from services.draws.facts.scope import AgencyRole
from services.draws.news.views import Views
from tests.support.api import Api
from tests.support.draw_world import make_experts, prepared, start_draw
from tests.support.queries import QueryCounter
from tests.support.settings import make_settings


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    # no in-process worker: its sweeps would add their statements to the count
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         EXPERTBOT_INPROCESS_WORKER=False)


async def _activities(handler: Person, n: int, experts: list[ExpertProfile]
                      ) -> list[DrawActivity]:
    """`n` activities of the handler's agency, each with a condition and an invitation to
    every one of `experts`."""
    agency_id = (await handler.roles.all())[0].agency_id
    now = datetime.now(UTC)
    made = []
    for i in range(n):
        project = await Project.create(agency_id=agency_id, created_by=handler.id,
                                       name=f"项目{i}", number=f"P-{n}-{i}",
                                       kind="工程", region="4401", tenderer_name="某中学",
                                       tenderer_credit_code="91440101MA59X0000A")
        activity = await DrawActivity.create(
            project=project, agency_id=agency_id, handler_id=handler.id,
            status=DrawStatus.DRAWING, bid_open_at=now + timedelta(days=1),
            eval_start=now + timedelta(days=2), eval_end=now + timedelta(days=2, hours=4),
            total=2)
        notice = await Notice.create(activity=activity, venue="评标室", city="广州市",
                                     district="天河区", street="天润路333号",
                                     gather_at=now + timedelta(days=2, minutes=-30),
                                     contact_name="陈", contact_phone="020-1")
        condition = await Condition.create(activity=activity, notice=notice,
                                           regions=["4401"], main_specialty="A0401",
                                           planned=2)
        for r, expert in enumerate(experts):
            await Invitation.create(activity=activity, condition=condition,
                                    expert_id=expert.id, person_id=expert.person_id,
                                    rank=r, wave=1, sent_at=now, due_at=now + timedelta(
                                        minutes=10), status=InvitationStatus.SENT,
                                    eval_start=activity.eval_start,
                                    eval_end=activity.eval_end)
        made.append(activity)
    return made


async def _count(api: Api, token: str, path: str) -> int:
    async with QueryCounter() as counter:
        answer = await api.call("GET", path, token)
    assert answer.status == 200, answer.data
    return counter.count


async def test_hot_reads_cost_the_same_for_few_rows_and_many(api: Api, client, demo: dict
                                                            ) -> None:
    experts = await make_experts(client, 6)
    handler = await Person.get(phone_is(demo["handler"].phone))
    agency_token = await api.login(demo["handler"].mp_openid)
    expert_token = await api.login(f"mp_ex_{1000}")
    few = await _activities(handler, 2, experts[:1])
    counts = {"list": [await _count(api, agency_token, "/draws/activities?limit=200")],
              "detail": [await _count(api, agency_token, f"/draws/activities/{few[0].id}")],
              "invitations": [await _count(api, expert_token, "/expert/invitations")]}
    many = await _activities(handler, 30, experts)
    counts["list"].append(await _count(api, agency_token, "/draws/activities?limit=200"))
    counts["detail"].append(await _count(api, agency_token, f"/draws/activities/{many[0].id}"))
    counts["invitations"].append(await _count(api, expert_token, "/expert/invitations"))
    listed = await api.call("GET", "/draws/activities?limit=200", agency_token)
    assert len(listed.data["activities"]) == 32
    newest = listed.data["activities"][0]
    assert newest["counts"] == {"planned": 2, "confirmed": 0, "waiting": 6, "invited": 6,
                                "text": "已确认 0/2"}
    assert (newest["id"], newest["project"], newest["status_title"]) == (
        many[-1].id, "项目29", "抽取中")
    assert datetime.fromisoformat(newest["eval_start"]) == many[-1].eval_start
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} statements for few rows, {large} for many"
        # the caller (identity, person, grants) and the endpoint's own read: one each; the
        # expert's invitations one more, the venues among them that check identity
        assert small == (3 if name == "invitations" else 2), f"{name}: {small} statements"
    progress = await _count(api, agency_token, f"/draws/activities/{many[0].id}/progress")
    assert progress == 2
    # an applicant's applications (the status page): one, then four
    applicant = await Person.get(phone_is(demo["applicant"].phone))
    applicant_token = await api.login(demo["applicant"].mp_openid)
    one = await _count(api, applicant_token, "/applications")
    has = {a.batch_id for a in await Application.filter(person_id=applicant.id)}
    for batch in await Batch.all():
        if batch.id not in has:
            await Application.create(person_id=applicant.id, batch=batch)
    assert len((await api.call("GET", "/applications", applicant_token)).data[
        "applications"]) >= 4
    assert await _count(api, applicant_token, "/applications") == one == 2


def _fields(model: Model) -> dict[str, object]:
    return {name: getattr(model, name) for name in model._meta.fields_db_projection}


async def test_the_one_statement_reads_what_the_orm_reads(api: Api, client, demo: dict) -> None:
    """The detail's single statement (activity, project, counts and the four lists as JSON,
    written per database) returns models equal field by field to the ORM's own reads: times,
    booleans, JSON lists and empty pools included, after a real draw has started."""
    await make_experts(client, 6)
    aid, token = await prepared(api, demo, total=3, planned=[1, 2])
    started = await start_draw(api, token, aid)
    assert started.status == 200, started.data
    handler = await Person.get(phone_is(demo["handler"].phone))
    activity = await DrawActivity.get(id=aid)
    read = await Views.visible_file(AgencyRole(handler.id, activity.agency_id, False), aid,
                            datetime.now(UTC))
    assert _fields(read.activity) == _fields(activity)
    assert _fields(read.project) == _fields(await Project.get(id=activity.project_id))
    for got, model in ((read.avoidances, Avoidance), (read.notices, Notice),
                       (read.conditions, Condition), (read.evidence, DrawEvidence)):
        expected = await model.filter(activity_id=aid).order_by("id")
        assert expected, model  # each list has rows to compare
        assert [_fields(m) for m in got] == [_fields(m) for m in expected], model
    assert any(c.pool for c in read.conditions) and read.evidence[0].size > 0
    assert read.counts.planned == 3 and read.counts.invited >= 3


async def test_the_applicant_statement_reads_what_the_orm_reads(api: Api, demo: dict) -> None:
    """The applicant's applications in one statement (application, batch, attachments and
    review log as JSON) equal the ORM's reads field by field."""
    applicant = await Person.get(phone_is(demo["applicant"].phone))
    first = await Application.filter(person_id=applicant.id).first()
    assert first is not None
    for kind in ("id_card", "title"):
        await Attachment.create(application=first, kind=kind, filename=f"{kind}.pdf",
                                content_type="application/pdf", size=1024, sha256="0" * 64,
                                storage_key=f"k/{kind}")
    await ReviewAction.create(application=first, version=1, action="returned",
                              reason="学历证书不清晰", items=[{"kind": "degree", "note": "重传"}])
    files = await ApplicationReads.applications_of(applicant.id)
    expected = await Application.filter(person_id=applicant.id).order_by("-id")
    assert [_fields(f.application) for f in files] == [_fields(a) for a in expected]
    for f in files:
        batch = await Batch.get(id=f.application.batch_id)
        assert _fields(f.application.batch) == _fields(batch)
        for got, model in ((f.attachments, Attachment), (f.log, ReviewAction)):
            rows = await model.filter(application_id=f.application.id).order_by("id")
            assert [_fields(m) for m in got] == [_fields(m) for m in rows]
    assert any(f.attachments for f in files) and any(f.log for f in files)


async def test_a_reply_costs_the_same_whatever_else_the_activity_holds(
        api: Api, client, demo: dict) -> None:
    """An expert's acceptance (under the activity's row lock: every statement in it holds
    up the other replies to that activity) sends a fixed number of statements, the same
    with 2 invitations out as with 6."""
    experts = await make_experts(client, 6)
    handler = await Person.get(phone_is(demo["handler"].phone))
    counts = []
    for n, many in ((0, experts[:2]), (1, experts)):
        activity = (await _activities(handler, n + 1, many))[0]
        item = await Invitation.filter(activity_id=activity.id).order_by("-id").first()
        assert item is not None
        mini = await WeChatIdentity.get(person_id=item.person_id, channel=Channel.MINI_PROGRAM)
        token = await api.login(mini.openid)
        async with QueryCounter() as counted:
            answer = await api.call("POST", f"/expert/invitations/{item.id}/reply", token,
                                    {"choice": 1})
        assert answer.status == 200 and answer.data["status"] == "confirmed", answer.data
        counts.append(counted.count)
    # the caller; the locked activity (and expert); the invitation with its notice, its
    # condition's quota, the expert booked elsewhere, the agency's names, its calls still
    # queued, its notices failed and its venue's identity check; the status with its code
    # and each condition's progress (one statement on PostgreSQL, two on SQLite); the
    # agency's notifications (and BEGIN/COMMIT where the driver sends them as statements)
    assert counts[0] == counts[1], counts
    assert counts[0] <= (5 if on_postgres() else 6), counts  # 18 before, then 10, 6
