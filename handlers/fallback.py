"""Included last: a scan whose scene did not verify, a plain follow, and whatever no other
handler took — a command mistyped answered with the commands closest to what was sent,
among those of the sender's roles (handlers/commands.py); anything else a question for the
智能客服 (handlers/help/ask.py): never a bare "not found"."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from difflib import SequenceMatcher

from bot.conversation.event import Event
from bot.conversation.filters import BadScene, EventIs, Keyword, Text
from bot.conversation.flow import ANY
from bot.conversation.fsm import FSMContext
from bot.conversation.router import HandlerFunc, Router
from bot.wechat.incoming import Incoming
from handlers import (
    account,
    common,
    desk,
    fees,
    pay,
    performance,
    privacy,
    progress,
    questions,
    training,
)
from handlers.commands import AUDIENCES, audiences_of
from handlers.help import feedback, guide, support
from handlers.help.ask import knowledge_reply
from handlers.help.own import own_line
from models.people import Person
from services.applicants import ApplicationReads
from services.common.links import Links
from services.common.pii import mask_text
from services.common.texts import Texts
from services.help import Help
from services.payments import Payments
from services.people import People
from services.standing import CreditDesk

# 1 有用 / 2 没用 just after an answer (an open invitation's 1 / 2 never reaches here: the
# draw's reply handler takes it first)
RATING = re.compile(r"^\s*([12１２])\s*[。.!！]?\s*$")
CLOSE_ENOUGH = 0.45  # similarity (difflib ratio) below which a command is not suggested
LIKE_A_COMMAND = 0.75  # this close to a command, the text is taken for it mistyped
NEAR_A_COMMAND = 0.5  # this close to a command, a text no entry is near is no question from
# outside the centre's work (further off, the closest are only the role's usual commands)
MOST = 3
NOT_SUGGESTED = {"解绑", "取消", "帮助", "菜单"}  # never a guess (帮助 is always mentioned)
# command -> its handler (the words it answers to are read from that handler's filters)
HANDLERS: dict[str, HandlerFunc] = {
    "帮助": common.on_help, "菜单": common.on_menu, "取消": common.on_cancel,
    "反馈": feedback.start, "人工客服": support.ask_for_person,
    "怎么申请": guide.how_to_apply, "报名咨询": guide.consult,
    "劳务费标准": fees.standard, "绑定": account.start_binding,
    "我的信息": account.my_info, "个人信息": privacy.personal_data_list,
    "解绑": account.start_unbinding,
    "审核进度": progress.progress, "考试资料": progress.materials, "考试": progress.exam_link,
    "考试成绩": guide.exam_results, "缴费": pay.pay, "缴费记录": pay.payment_history,
    "培训": training.sessions, "退费": training.refund,
    "我的邀请": questions.my_evaluations, "请假": questions.ask_for_leave,
    "我的劳务费": fees.mine,
    "抽取池": questions.my_pools, "我的履职记录": performance.mine,
    "我的信用": performance.standing, "年度履职": performance.yearly,
    "抽取进度": questions.agency_progress, "到场情况": questions.agency_progress,
    "待审核": desk.to_review, "待核验": desk.to_verify, "待办": desk.to_do,
}
ROUTERS = (common.router, account.router, feedback.router, guide.router, progress.router,
           pay.router, questions.router, desk.router, performance.router, training.router,
           fees.router, privacy.router, support.router)


@functools.cache
def synonyms() -> dict[str, frozenset[str]]:
    """command -> every (normalized) word its handler answers to."""
    words: dict[str, frozenset[str]] = {}
    for command, func in HANDLERS.items():
        words[command] = frozenset(
            w for r in ROUTERS for h in r.handlers if h.func is func
            for f in h.filters if isinstance(f, Text | Keyword) for w in f.words)
    return words


def _closeness(text: str, command: str) -> float:
    return max((SequenceMatcher(None, text, w).ratio() for w in synonyms().get(command, ())),
               default=0.0)


def closest(text: str, bound: bool, roles: set[str]) -> tuple[tuple[str, ...], float]:
    """Up to three commands of the sender's audiences closest to `text` (when none is close,
    the first ones of the sender's own roles, 绑定 for a visitor), and how close the nearest
    is (0–1)."""
    audiences = audiences_of(bound, roles)
    candidates = list(dict.fromkeys(c for a in audiences for c in AUDIENCES[a]
                                    if c not in NOT_SUGGESTED))
    scored = sorted(((_closeness(text, c), -i, c) for i, c in enumerate(candidates)),
                    reverse=True)
    best = scored[0][0] if scored else 0.0
    close = tuple(c for score, _, c in scored if score >= CLOSE_ENOUGH)[:MOST]
    if close:
        return close, best
    own = [c for a in audiences[:-1] for c in AUDIENCES[a]]
    return tuple(c for c in dict.fromkeys(own) if c in candidates)[:MOST], best


def suggestions(text: str, bound: bool, roles: set[str]) -> tuple[str, ...]:
    """Up to three commands of the sender's audiences closest to `text`."""
    return closest(text, bound, roles)[0]


router = Router("fallback")


@router.event(BadScene())
async def on_bad_scene(msg: Incoming, texts: Texts) -> str:
    """A QR code whose scene is forged, malformed or expired."""
    bad = texts.render("chat/bad_scene.j2")
    if msg.event == "subscribe":
        return f"{texts.render('chat/welcome.j2')}\n\n{bad}"
    return bad


@router.event(EventIs("subscribe"))
async def on_subscribe(texts: Texts) -> str:
    """A new follower: the welcome."""
    return texts.render("chat/welcome.j2")


@router.fallback(state=ANY)
async def on_anything_else(event: Event, fsm: FSMContext, texts: Texts, person: Person | None,
                           people: People, knowledge: Help, links: Links, credit: CreditDesk,
                           payments: Payments, application_reads: ApplicationReads,
                           now: datetime) -> str:
    """Inside a flow: the state's prompt again. Outside: a command mistyped gets the closest
    commands; anything else is a question for the 智能客服 (handlers/help/ask.py)."""
    if fsm.state is not None:
        state = fsm.state
        prompt = texts.render(state.prompt, **fsm.data) if state.prompt else ""
        return texts.render("chat/fallback_in_flow.j2", prompt=prompt, title=state.flow.title)
    if not event.msg.has_text:
        return texts.render("chat/fallback.j2", text="", suggestions=())
    if (rating := RATING.match(event.text)) is not None and (rated := await knowledge.reviews.
            rate_latest(event.msg.openid, rating.group(1) in "1１", now)) is not None:
        return texts.render("help/rated.j2", useful=rated.feedback == "useful").strip()
    roles = ({g.role for g in await people.active_roles(person.id, now)}
             if person is not None else set())
    bound = person is not None
    close, match = closest(event.text, bound, roles)
    if match >= LIKE_A_COMMAND and not event.asking:  # a question is no command mistyped
        return texts.render("chat/fallback.j2", text=mask_text(event.msg.content)[:20],
                            suggestions=close)
    async def mine(key: str) -> str:
        return await own_line(key, person, texts, credit, payments, application_reads, now)

    return await knowledge_reply(event.text, (event.msg.openid, person.id if person else None),
                                 roles, close, knowledge, texts, links, now, mine,
                                 near_command=match >= NEAR_A_COMMAND)
