"""The system administrator's desk (系统管理员): find people (masked), create migrated
experts, grant roles, batches and exams, and the public notice's objections (exam-less
batches)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import (
    GrantIn,
    GrantOut,
    Model,
    PeopleOut,
    PeopleQuery,
    PersonSummaryOut,
    QuestionIn,
)
from models.applications import Application
from models.people import Person, Role
from services.admin import GrantSpec
from services.common.pii import mask_name, mask_phone
from services.people import NewPerson

api = Api()
TAG = "管理"
ADMIN = {Role.ADMIN}


class PersonIn(Model):
    name: str = Field(min_length=2, max_length=32)
    id_number: str = Field(min_length=18, max_length=18)
    phone: str = Field(min_length=11, max_length=16)
    email: str | None = None
    migrated: bool = Field(default=False,
                           description="从旧系统迁移的专家：初始密码为身份证后8位，首次登录须修改")
    old_account: str | None = Field(
        default=None, max_length=64,
        description="迁移专家在原系统的账号（一般为姓名拼音或手机号），也可用它登录")


async def _summary(call: Call, person: Person) -> PersonSummaryOut:
    roles = [g.role for g in await call.domain.people.active_roles(person.id, call.now)]
    return PersonSummaryOut(id=person.id, name=person.name, id_number=person.id_masked,
                            phone=mask_phone(person.phone), roles=sorted(roles))


@api.route("GET", "/admin/people", access=ADMIN, query=PeopleQuery, response=PeopleOut,
           summary="按手机号或身份证号查找人员（结果已脱敏）", tag=TAG)
async def find_people(call: Call, query: PeopleQuery) -> PeopleOut:
    found = await call.domain.administration.find_person(query.phone, query.id_number)
    return PeopleOut(people=[await _summary(call, found)] if found else [])


@api.route("POST", "/admin/people", access=ADMIN, body=PersonIn, response=PersonSummaryOut,
           summary="录入人员（如迁移的专家）", tag=TAG)
async def create_person(call: Call, body: PersonIn) -> PersonSummaryOut:
    person = await call.domain.people.create(
        NewPerson(body.name, body.id_number, body.phone, body.email),
        migrated=body.migrated, old_account=body.old_account or None)
    call.noted["person"] = person.id  # the trail names the person entered, masked
    return await _summary(call, person)


@api.route("POST", "/admin/roles", access=ADMIN, body=GrantIn, response=GrantOut,
           summary="授予角色", tag=TAG)
async def grant_role(call: Call, body: GrantIn) -> GrantOut:
    by = call.caller.need_person()
    grant = await call.domain.administration.grant_role(
        body.person_id, GrantSpec(**body.model_dump(exclude={"person_id"})), by)
    # who got which role, on the trail (the generic entry of a change names no body)
    await call.domain.audit.append("role_granted", call.now, person_id=by.id, name=by.name,
                                   to=body.person_id, role=grant.role,
                                   about=await call.domain.trail_words.named(
                                       {}, {"person": body.person_id}))
    return GrantOut(id=grant.id, person_id=body.person_id, role=grant.role)


class StageIn(Model):
    key: str = Field(pattern=r"^[a-z_]{2,32}$")
    title: str = Field(min_length=2, max_length=32)
    level: Literal["city", "province"]
    by_industry: bool = False


class BatchIn(Model):
    name: str = Field(min_length=4, max_length=64)
    kind: Literal["collect", "renew", "change", "transfer"]
    province: str = Field(pattern=r"^\d{2}$")
    specialty_rule: Literal["xinjiang", "hunan", "jilin"]
    max_qualifications: int | None = Field(default=None, description=(
        "执业资格最多几条：湖南规则3条、吉林规则5条，由其规定确定（不填，或填同样的数）；"
        "新疆规则的批次可设1至5条，不填为3条"))
    stages: list[StageIn] = Field(min_length=1, max_length=6)
    apply_from: datetime
    apply_until: datetime
    review_until: datetime
    pay_until: datetime | None = None
    fee_yuan: float = Field(default=0, ge=0, le=100000)
    exam_requires_payment: bool = False
    exam_required: bool = Field(
        default=True, description="否：终审通过后公示，期满无异议即入库（吉林）")
    notice_days: int = Field(default=5, ge=1, le=30, description="公示天数")
    objection_contact: str = Field(
        default="", max_length=200,
        description="公示期间受理异议的单位和联系方式（公示页上公开），如“吉林省财政厅政府采购监管处，"
                    "电话0431-88888888”")


class BatchCreatedOut(Model):
    id: int
    name: str


@api.route("POST", "/admin/batches", access=ADMIN, body=BatchIn, response=BatchCreatedOut,
           summary="创建征集 / 续聘批次（时间窗口、审核环节、专业规则）", tag=TAG)
async def create_batch(call: Call, body: BatchIn) -> BatchCreatedOut:
    values = body.model_dump(exclude={"stages", "fee_yuan"})
    batch = await call.domain.administration.create_batch(
        {**values, "stages": [s.model_dump() for s in body.stages],
         "fee_fen": round(body.fee_yuan * 100)})
    call.noted["batch"] = batch.id  # the trail names the batch made
    return BatchCreatedOut(id=batch.id, name=batch.name)


class ExamIn(Model):
    batch_id: int
    title: str = Field(min_length=2, max_length=64)
    opens_at: datetime
    closes_at: datetime
    duration_minutes: int = Field(ge=5, le=600)
    pass_score: int = Field(ge=0)
    questions: list[QuestionIn] = Field(min_length=1, max_length=200)


class ExamCreatedOut(Model):
    id: int
    invited: int


@api.route("POST", "/admin/exams", access=ADMIN, body=ExamIn, response=ExamCreatedOut,
           summary="安排批次考试，并向已通过审核的申请人发送考试链接", tag=TAG)
async def create_exam(call: Call, body: ExamIn) -> ExamCreatedOut:
    exam, invited = await call.domain.administration.schedule_exam(
        body.batch_id, body.title, body.opens_at, body.closes_at, body.duration_minutes,
        body.pass_score, [q.model_dump() for q in body.questions], call.now)
    return ExamCreatedOut(id=exam.id, invited=invited)


class ObjectionIn(Model):
    reason: str = Field(min_length=2, max_length=200, description="公示期间收到的异议内容")


class RulingIn(Model):
    sustained: bool = Field(description="是：异议成立，不予入库；否：异议不成立，继续公示")
    note: str = Field(default="", max_length=200,
                      description="处理理由（异议成立时必填，将告知申请人）")


class NoticeOut(Model):
    application_id: int
    status: str
    notice_until: datetime | None
    objection: str | None
    objection_ruling: str | None


class InNoticeOut(NoticeOut):
    applicant: str = Field(description="申请人（脱敏）")
    batch: str
    objection_ruling_title: str | None = Field(description="异议成立 / 异议不成立")


class InNoticeListOut(Model):
    applications: list[InNoticeOut]


@api.route("GET", "/admin/public-notice", access=ADMIN, response=InNoticeListOut,
           summary="公示中的申请（无考试批次）及其异议，公示先结束的在前", tag=TAG)
async def in_notice(call: Call) -> InNoticeListOut:
    texts = call.services.texts
    return InNoticeListOut(applications=[InNoticeOut(
        **_notice_out(a).model_dump(), applicant=mask_name(p.name), batch=a.batch.name,
        objection_ruling_title=texts.render("review/action.j2", action=a.objection_ruling)
        if a.objection_ruling else None)
        for a, p in await call.domain.public_notice.listing()])


def _notice_out(app: Application) -> NoticeOut:
    return NoticeOut(application_id=app.id, status=app.status, notice_until=app.notice_until,
                     objection=app.objection, objection_ruling=app.objection_ruling)


@api.route("POST", "/admin/applications/{app_id}/objection", access=ADMIN, body=ObjectionIn,
           response=NoticeOut, summary="登记公示期间的异议（无考试批次，吉林）", tag=TAG)
async def record_objection(call: Call, body: ObjectionIn) -> NoticeOut:
    return _notice_out(await call.domain.public_notice.object(
        call.path_int("app_id"), body.reason, call.now, call.caller.person))


@api.route("POST", "/admin/applications/{app_id}/objection/ruling", access=ADMIN,
           body=RulingIn, response=NoticeOut, summary="异议处理结论：成立则不予入库并告知申请人",
           tag=TAG)
async def rule_objection(call: Call, body: RulingIn) -> NoticeOut:
    return _notice_out(await call.domain.public_notice.rule(
        call.path_int("app_id"), body.sustained, body.note, call.now, call.caller.person))
