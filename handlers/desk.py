"""Work waiting for the people at desks, asked in chat: a reviewer's 待审核 (applications at
a stage of their level, region and industry), a verifier's 待核验 (draw requests of their
region), and 待办 for whatever the sender's roles have waiting (administrators: feedback
not yet answered). Counts, and a text link that opens the mini-program's page where they
are handled; never the applicants' data.

| input            | who                  | reply                                         |
| ---------------- | -------------------- | --------------------------------------------- |
| 待审核 / 审核任务 | reviewer             | count by batch and stage; where to review     |
| 待核验 / 核验任务 | verifier             | count by kind of request; where to verify     |
| 待办 / 待处理     | anyone bound         | the above for each role held, and open feedback |
| any, not bound   | anyone               | not_bound                                     |
| any, not a role  | anyone bound         | what the command is for, and who can use it   |

All outside flows (state: none).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from bot.conversation.filters import Text
from bot.conversation.router import Router
from bot.wechat.api import WeChatAPI
from models.draws import DrawStatus
from models.people import Person, Role, RoleGrant
from services.admin import FeedbackDesk
from services.applicants import Review
from services.common.links import Links
from services.common.texts import Texts
from services.draws import Draws
from services.draws.facts import DrawScope
from services.people import People

router = Router("desk")
# the mini-program pages the replies link to (a text link WeChat opens in the mini-program)
PAGES = {"review": "pages/review/index", "verify": "pages/verify/index",
         "feedback": "pages/admin/feedback"}


def _pages(mini: WeChatAPI, links: Links) -> dict[str, str]:
    return {"appid": mini.appid, "url": links.address("/"), **PAGES}
REQUEST_WORDS = {"normal": "抽取申请", "supplement": "补抽申请", "redraw": "重新抽取申请",
                 "reeval": "复评申请", "withdrawal": "退选申请"}


async def _review_counts(review: Review, grants: list[RoleGrant]) -> list[tuple[str, int]]:
    waiting = await review.queue(grants)
    counts = Counter(f"《{a.batch.name}》{review.review_scope.stages(a.batch)[a.stage].title}"
                     for a in waiting)
    return sorted(counts.items())


async def _verify_counts(scope: DrawScope, grants: list[RoleGrant]) -> list[tuple[str, int]]:
    counts = Counter("withdrawal" if a.status != DrawStatus.SUBMITTED else a.kind
                     for a in await scope.waiting_verification(grants))
    return [(REQUEST_WORDS.get(kind, kind), n) for kind, n in sorted(counts.items())]


@router.message(Text("待审核", "审核任务", "待审批", "审核列表", "我的审核"))
async def to_review(person: Person | None, texts: Texts, people: People, review: Review,
                    mini: WeChatAPI, links: Links, now: datetime) -> str:
    """A reviewer's queue: counts by batch and stage."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    grants = await people.active_roles(person.id, now)
    if not any(g.role == Role.REVIEWER for g in grants):
        return texts.render("chat/desk/not_for_you.j2", desk="review")
    return texts.render("chat/desk/review.j2", counts=await _review_counts(review, grants),
                        pages=_pages(mini, links))


@router.message(Text("待核验", "核验任务", "核验列表", "待审核抽取", "我的核验"))
async def to_verify(person: Person | None, texts: Texts, people: People, mini: WeChatAPI,
                    links: Links, draws: Draws, now: datetime) -> str:
    """A verifier's queue: counts by kind of request."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    grants = await people.active_roles(person.id, now)
    if not any(g.role == Role.VERIFIER for g in grants):
        return texts.render("chat/desk/not_for_you.j2", desk="verify")
    return texts.render("chat/desk/verify.j2", counts=await _verify_counts(draws.facts.scope,
                                                                           grants),
                        pages=_pages(mini, links))


@router.message(Text("待办", "待处理", "我的待办", "待办事项", "工作台"))
async def to_do(person: Person | None, texts: Texts, people: People, review: Review,
                feedback: FeedbackDesk, mini: WeChatAPI, links: Links, draws: Draws,
                now: datetime) -> str:
    """Whatever waits for the sender's desk roles."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    grants = await people.active_roles(person.id, now)
    roles = {g.role for g in grants}
    if not roles & {Role.REVIEWER, Role.VERIFIER, Role.ADMIN}:
        return texts.render("chat/desk/not_for_you.j2", desk="todo")
    return texts.render(
        "chat/desk/todo.j2",
        review=await _review_counts(review, grants) if Role.REVIEWER in roles else None,
        verify=await _verify_counts(draws.facts.scope, grants) if Role.VERIFIER in roles else None,
        feedback=await feedback.unanswered() if Role.ADMIN in roles else None,
        pages=_pages(mini, links))
