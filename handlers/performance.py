"""An expert's performance records in chat (履职记录, 财库〔2016〕198号: the expert may read
the record and explain): the latest records with the review of any disputed one (the same
service the mini-program's /me/performance calls). The reply (说明) is written in the
mini-program, where the whole record is in view; the chat says so."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.conversation.filters import Keyword, Text
from bot.conversation.router import Router
from models.people import Person
from models.sanctions import SanctionKind
from services.common.clock import CHINA
from services.common.texts import Texts
from services.draws import Draws
from services.standing import (
    KIND_WORDS,
    ConductCatalogue,
    CreditDesk,
    SanctionDesk,
    YearlyAccounts,
)

router = Router("performance")
SHOWN = 5  # the latest records (and years) a chat reply lists
ACCOUNT_FIELDS = ("year", "invited", "declined", "served", "late", "left_early", "conduct",
                  "absent", "leave", "sanctions", "courses", "hours", "credit_score",
                  "credit_level")


@router.message(Text("我的年度履职情况", "年度履职情况", "年度履职", "我的年度履职", "年度考核",
                     "我的年度考核"))
@router.message(Keyword("年度履职", "年度考核"))
async def yearly(person: Person | None, texts: Texts, yearly_accounts: YearlyAccounts) -> str:
    """The expert's accounts of finished years (年度考核's ground), newest first: the same
    as the mini-program's /expert/yearly-accounts."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    accounts = (await yearly_accounts.of_person(person.id))[:SHOWN]
    return texts.render("chat/performance/yearly.j2", accounts=[
        {name: getattr(a, name) for name in ACCOUNT_FIELDS} for a in accounts])


@router.message(Text("我的履职记录", "履职记录", "我的履职情况", "履职情况", "履职评价",
                     "我的履职评价", "我的评价"))
@router.message(Keyword("履职记录", "履职情况", "履职评价"))
async def mine(person: Person | None, texts: Texts, draws: Draws,
               conduct: ConductCatalogue) -> str:
    """The expert's latest records, newest first."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    records = [{
        "day": f"{s.notice.gather_at.astimezone(CHINA):%Y年%m月%d日}", "venue": s.notice.venue,
        "agency": s.agency, "late": s.record.late, "left_early": s.record.left_early,
        "absence": s.record.absence,
        "conduct": await conduct.names(s.record.conduct), "score": s.record.score,
        "comment": s.record.comment, "reply": s.record.reply, "disputed": s.record.disputed,
        "outcome": s.record.review_outcome, "note": s.record.review_note}
               for s in (await draws.record.performance.mine(person.id))[:SHOWN]]
    return texts.render("chat/performance/mine.j2", performance_records=records)


@router.message(Text("我的信用", "信用", "信用分", "我的信用分", "我的处分", "处分记录",
                     "我的处分记录"))
@router.message(Keyword("信用分", "处分记录"))
async def standing(person: Person | None, texts: Texts, credit: CreditDesk,
                   sanctions: SanctionDesk) -> str:
    """The expert's credit (score, level, what counts) and their sanctions with any appeal:
    the same as the mini-program's /expert/credit and /expert/sanctions."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    now = datetime.now(UTC)
    shown = await credit.standing_of(person.id, now, SHOWN)
    if shown is None:
        return texts.render("chat/performance/not_expert.j2")
    got = shown.credit
    today = now.astimezone(CHINA).date()
    items = [{"kind": KIND_WORDS[SanctionKind(s.kind)], "period": sanctions.period_words(s),
              "reason": s.reason, "in_force": s.excludes_on(today, today),
              "appealed": s.appealed_at is not None, "outcome": s.outcome}
             for s in shown.sanctions]
    how = texts.render("performance/credit_explained.j2", **await credit.explained(got))
    return texts.render("chat/performance/standing.j2", score=got.score, level=got.level,
                        counted=got.records, absences=got.absences, sanction_items=items,
                        explained=[line.strip() for line in how.splitlines() if line.strip()])
