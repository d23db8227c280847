"""Performance records (履职评价, 财库〔2016〕198号: the agency records each expert's
performance after the review, the expert may read it and explain): the agency's ended
evaluations and, for each, the experts who served with their records until the deadline;
each expert's own records and their single reply (说明)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, activity_in_path, actor, agency
from miniapp_api.schemas import Model
from models.draws import DrawStatus
from models.people import Role
from models.performance import ConductItem, PerformanceRecord
from services.common.clock import CHINA
from services.common.texts import Texts
from services.draws.facts import SUPPLEMENT
from services.draws.record import Entry, Shown

api = Api()
TAG = "履职评价"
EXPERT = {Role.EXPERT}


class ConductOut(Model):
    code: str
    name: str
    article: str = Field(description="出处，如 招标投标法实施条例第七十一条第（二）项")


def conduct_out(item: ConductItem) -> ConductOut:
    return ConductOut(code=item.code, name=item.name, article=item.article)


class RecordOut(Model):
    id: int
    invitation_id: int
    eval_day: date = Field(description="评标日期（北京时间）")
    venue: str
    agency: str = Field(description="记录的代理机构")
    expert: str = Field(description="专家姓名")
    late: bool = Field(description="迟到")
    left_early: bool = Field(description="早退")
    absence: str | None = Field(description="登记的缺席原因：缺席 / 请假 / 现场回避（到场的为空）")
    attendance: str = Field(
        description="到场情况（文字）：准时 / 迟到 / 早退 / 迟到、早退 / 未到场（缺席等）")
    conduct: list[ConductOut] = Field(
        description="履职问题（招标投标法实施条例第七十一、七十二条等）")
    score: int | None = Field(description="评分（百分制；未到场的没有评分）")
    comment: str
    recorded_at: datetime
    reply: str | None = Field(description="专家的说明（限一次）")
    replied_at: datetime | None
    disputed: bool = Field(description="专家有异议，申请管理员复核")
    review_outcome: str | None = Field(description="kept 维持 / corrected 更正")
    review_title: str | None = Field(description="复核结果（文字）")
    review_note: str | None
    reviewed_at: datetime | None


def attendance_words(texts: Texts, record: PerformanceRecord) -> str:
    return texts.render("performance/attendance.j2", late=record.late,
                        left_early=record.left_early, absence=record.absence).strip()


async def record_out(call: Call, shown: Shown) -> RecordOut:
    texts = call.services.texts
    r, catalogue = shown.record, {i.code: i for i in await call.domain.conduct.items()}
    chosen = [catalogue[c] for c in r.conduct if c in catalogue]
    return RecordOut(
        id=r.id, invitation_id=r.invitation_id,
        eval_day=shown.notice.gather_at.astimezone(CHINA).date(), venue=shown.notice.venue,
        agency=shown.agency, expert=shown.expert, late=r.late, left_early=r.left_early,
        absence=r.absence, attendance=attendance_words(texts, r),
        conduct=[conduct_out(i) for i in sorted(chosen, key=lambda i: (i.position, i.id))],
        score=None if r.absence else r.score, comment=r.comment, recorded_at=r.recorded_at,
        reply=r.reply,
        replied_at=r.replied_at, disputed=r.disputed, review_outcome=r.review_outcome,
        review_title=texts.word("review_outcome", r.review_outcome)
        if r.review_outcome else None, review_note=r.review_note, reviewed_at=r.reviewed_at)


class EvaluationOut(Model):
    id: int
    number: str
    project: str
    eval_start: datetime
    finished_at: datetime | None = Field(description="评标结束时间")
    deadline: datetime | None = Field(description="记录截止时间（评标结束后第 N 个工作日 24 时）")
    last_day: date | None = Field(description="可记录的最后一天（北京时间，含当天）")
    open: bool = Field(description="仍可记录或修改")
    served: int = Field(description="确定参加评标的专家人数（含登记缺席的）")
    recorded: int = Field(description="已记录人数")
    guessed_years: list[int] = Field(default=[], description=(
        "截止日跨越的、尚未导入节假日安排的年份：这些年份按周一至周五计工作日"))


def last_day(deadline: datetime | None) -> date | None:
    """The deadline is midnight after the last working day: that day, as people say it."""
    return (deadline.astimezone(CHINA) - timedelta(seconds=1)).date() if deadline else None


class EvaluationsOut(Model):
    deadline_days: int
    evaluations: list[EvaluationOut]


@api.route("GET", "/draws/performance", access=AGENCY, response=EvaluationsOut, tag=TAG,
           summary="已结束的评标及履职记录进度（本机构、本人经办的活动）")
async def evaluations(call: Call) -> EvaluationsOut:
    out = []
    for a in await call.domain.draws.facts.scope.visible_activities(agency(call), call.now,
                                                                    limit=200):
        if a.kind == SUPPLEMENT or a.status != DrawStatus.ENDED or a.finished_at is None:
            continue
        got = await call.domain.draws.record.performance.sheet(a, call.now)
        f = await call.domain.draws.news.views.activity_file(a)
        out.append(EvaluationOut(
            id=a.id, number=call.domain.draws.news.views.activity_number(a.id, a.kind),
            project=f.project.name,
            eval_start=a.eval_start, finished_at=a.finished_at, deadline=got.deadline,
            last_day=last_day(got.deadline), open=got.open, served=len(got.rows),
            recorded=sum(1 for r in got.rows if r.record is not None),
            guessed_years=list(got.guessed)))
    return EvaluationsOut(deadline_days=await call.domain.conduct.deadline_days(), evaluations=out)


class ExpertRowOut(Model):
    invitation_id: int
    name: str
    supplementary: bool = Field(description="补抽的专家")
    absence: str | None = Field(description="登记的缺席原因：缺席 / 请假 / 现场回避（到场的为空）")
    gather_at: datetime
    checkin_at: datetime | None = Field(description="签到时间")
    checkout_at: datetime | None = Field(description="签退时间")
    record: RecordOut | None


class SheetOut(Model):
    evaluation: EvaluationOut
    items: list[ConductOut] = Field(description="可选的履职问题（管理员维护）")
    experts: list[ExpertRowOut]


async def sheet_out(call: Call) -> SheetOut:
    activity = await activity_in_path(call)
    view = await call.domain.draws.record.performance.sheet_view(activity, call.now)
    got = view.sheet
    rows = []
    for r in got.rows:
        shown = Shown(r.record, r.notice, view.agency, r.name) if r.record else None
        rows.append(ExpertRowOut(
            invitation_id=r.invitation.id, name=r.name,
            supplementary=r.invitation.supplementary, absence=r.absence,
            gather_at=r.notice.gather_at,
            checkin_at=r.invitation.checkin_at, checkout_at=r.invitation.checkout_at,
            record=await record_out(call, shown) if shown else None))
    a = got.activity
    return SheetOut(evaluation=EvaluationOut(
        id=a.id, number=call.domain.draws.news.views.activity_number(a.id,
                                                                     a.kind), project=view.project,
        eval_start=a.eval_start,
        finished_at=a.finished_at, deadline=got.deadline, last_day=last_day(got.deadline),
        open=got.open, served=len(rows),
        recorded=sum(1 for r in rows if r.record), guessed_years=list(got.guessed)),
        items=[conduct_out(i) for i in view.items], experts=rows)


@api.route("GET", "/draws/activities/{activity_id}/performance", access=AGENCY,
           response=SheetOut, tag=TAG,
           summary="一次评标的专家履职情况（评标结束后：到场、履职问题、评分、评语）")
async def sheet(call: Call) -> SheetOut:
    return await sheet_out(call)


class PerformanceIn(Model):
    late: bool = Field(default=False, description="迟到")
    left_early: bool = Field(default=False, description="早退")
    conduct: list[str] = Field(default=[], max_length=20, description="履职问题的 code")
    score: int | None = Field(default=None, ge=0, le=100,
                              description="评分（百分制；登记缺席的专家不填）")
    comment: str = Field(default="", max_length=500)

    def entry(self) -> Entry:
        return Entry(self.late, self.left_early, self.conduct, self.score, self.comment)


@api.route("PUT", "/draws/activities/{activity_id}/performance/{invitation_id}",
           access=AGENCY, body=PerformanceIn, response=SheetOut, tag=TAG,
           summary="记录或修改一位专家的履职情况（截止时间前；专家作出说明后不能修改；"
                   "登记缺席的专家只记评语，记录注明缺席原因）")
async def record_performance(call: Call, body: PerformanceIn) -> SheetOut:
    await call.domain.draws.record.performance.record(
        await activity_in_path(call), call.path_int("invitation_id"), body.entry(), call.now,
        actor(call))
    return await sheet_out(call)


class MyRecordsOut(Model):
    records: list[RecordOut]


@api.route("GET", "/me/performance", access=EXPERT, response=MyRecordsOut, tag=TAG,
           summary="我的履职记录（代理机构在评标结束后记录）")
async def my_records(call: Call) -> MyRecordsOut:
    mine = await call.domain.draws.record.performance.mine(call.caller.need_person().id)
    return MyRecordsOut(records=[await record_out(call, s) for s in mine])


class ReplyIn(Model):
    text: str = Field(min_length=1, max_length=500, description="说明")
    dispute: bool = Field(description="有异议，申请管理员复核")


@api.route("POST", "/me/performance/{record_id}/reply", access=EXPERT, body=ReplyIn,
           response=MyRecordsOut, tag=TAG,
           summary="对一条履职记录作出说明（每条限一次；有异议的由管理员复核）")
async def reply(call: Call, body: ReplyIn) -> MyRecordsOut:
    await call.domain.draws.record.performance.reply(call.caller.need_person().id,
                                                     call.path_int("record_id"),
                                                     body.text, body.dispute, call.now)
    return await my_records(call)
