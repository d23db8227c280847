"""`/a/{token}`: an invitation answered from the link in its SMS, in any phone
browser, without signing in. The token is the invitation's id and a MAC (no personal data);
the invitation says whose it is and until when. The page shows what the WeChat invitation
shows (time, place, contact, notes, the deadline — never the project or the tenderer) and
offers 参加 / 不参加 / 需回避 with a reason; the answer is the engine's reply, as in chat, so
one decision stands: a second one (a reused link) shows the first. A forged link is refused
plainly; an address trying bad links is slowed to a crawl, and one invitation's page
opened too often is refused for the rest of the minute. Reminders and withdrawal notices carry the
same link: after the answer the page shows it (and the verification code); once the
evaluation is withdrawn it says so and takes the expert's 收到. An expert who confirmed
checks in and out on it at the venue (the way without WeChat, with the venue's own rules:
its window, its identity check, an absence registered). The forms carry a double-submit
token (web/act.py) and the body is capped."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from models.draws import Invitation, InvitationStatus
from services.common.clock import china_time
from services.common.errors import DomainError
from services.common.links import ANSWER_LINK, LinkError
from services.draws.answering import Answer
from web.act import form_token, posted_form, with_token
from web.context import DOMAIN, TEXTS
from web.pages import add_page, bad_link, render
from web.rate import client_address, count, over_limit

OPENS_PER_MINUTE = 30  # per invitation: its expert opening and answering it
BAD_LINKS_PER_MINUTE = 10  # per client address: a guessing run is slowed to a crawl


async def _invitation(request: web.Request) -> Invitation | None:
    """The link's invitation while the link lives (services.draws.linked_invitation); None
    for a forged or expired link."""
    try:
        subject = request.app[DOMAIN].links.check_short(ANSWER_LINK,
                                                        request.match_info["token"])
        invitation_id = int(subject)
    except (LinkError, ValueError):
        return None
    return await request.app[DOMAIN].draws.news.views.linked_invitation(invitation_id,
                                                                        datetime.now(UTC))


async def _page(request: web.Request, given: Invitation | int,
                said: str = "", refused: str = "") -> web.Response:
    """The page of the invitation (or, its id, of the invitation as it is now)."""
    domain = request.app[DOMAIN]
    shown = await domain.draws.news.views.answer_view(given)
    invitation = shown.invitation
    now = datetime.now(UTC)
    status = InvitationStatus(invitation.status)
    token = form_token(request)
    urgency = await domain.draws.setup.urgency.of(shown.activity)  # an approved 应急, said
    minutes = round((invitation.due_at - invitation.sent_at).total_seconds() / 60)
    return with_token(request, render(
        request, "answer.html", said=said, refused=refused, csrf=token,
        checkin=None if shown.withdrawn else await domain.draws.venue.attendance.link_checkin(
            invitation, now),
        absent=status == InvitationStatus.ABSENT, absence=invitation.absence or "",
        info=domain.draws.news.notices.invitation_params(shown.notice, invitation, 0),
        withdrawn=shown.withdrawn, acknowledged=invitation.acknowledged_at is not None,
        open=status == InvitationStatus.SENT and now <= invitation.due_at,
        late=status == InvitationStatus.SENT and now > invitation.due_at,
        decision=request.app[TEXTS].word("invitation_status", status),
        code=invitation.code, due=china_time(invitation.due_at),
        urgency=request.app[TEXTS].render("draw/urgency_said.j2", urgency=urgency.reason,
                                          window=max(minutes, 1))
        if urgency is not None and urgency.status == "approved" else ""), token)


def _too_many(request: web.Request) -> web.Response:
    return render(request, "message.html", status=429,
                  title=request.app[TEXTS].render("web/refused_title.j2"),
                  message=request.app[TEXTS].render("web/too_many.j2"))


async def _checked(request: web.Request) -> Invitation | web.Response:
    """The link's invitation, or the refusal to show: an address that has tried too many
    bad links this minute is refused everything (a guessing run), a good link opened too
    often is refused (per invitation: experts behind one carrier address are not each
    other's limit)."""
    address = client_address(request)
    if await count(request, "answer-bad", address, add=0) >= BAD_LINKS_PER_MINUTE:
        return _too_many(request)
    invitation = await _invitation(request)
    if invitation is None:
        await count(request, "answer-bad", address)
        return bad_link(request, "answer")
    if await over_limit(request, "answer", OPENS_PER_MINUTE, f"i{invitation.id}"):
        return _too_many(request)
    return invitation


async def answer_page(request: web.Request) -> web.Response:
    invitation = await _checked(request)
    if isinstance(invitation, web.Response):
        return invitation
    return await _page(request, invitation)


async def answer_post(request: web.Request) -> web.Response:
    invitation = await _checked(request)
    if isinstance(invitation, web.Response):
        return invitation
    form = await posted_form(request)
    if isinstance(form, web.Response):
        return form
    if form.get("checkin") == "1":
        return await _checkin(request, invitation)
    if form.get("acknowledge") == "1":  # 收到 of a withdrawal notice, as in chat
        await request.app[DOMAIN].draws.followups.withdrawals.acknowledge_invitation(
            invitation.id, invitation.person_id, datetime.now(UTC))
        return await _page(request, invitation.id,  # as it is now
                           request.app[TEXTS].render("chat/draw/acknowledged.j2"))
    try:
        choice = int(str(form.get("choice", "")))
    except ValueError:
        choice = 0
    if choice not in (1, 2, 3):
        return await _page(request, invitation)
    reason = str(form.get("reason", "")).strip()[:100]
    domain, texts = request.app[DOMAIN], request.app[TEXTS]
    replies = domain.draws.answering.sms_answers
    on_page = replies.on_page(invitation.person_id)  # its SMS queued with the decision
    outcome = (await domain.draws.answering.answers.decide(
        invitation.person_id, Answer(choice, reason, True), datetime.now(UTC), "link",
        invitation_id=invitation.id, then=on_page)).outcome
    words, _ = domain.draws.answering.answers.said(texts, outcome, reason or "-")
    if outcome.status == "confirmed":  # how to check in, said for this page
        words = await replies.confirmed_on_page(outcome, on_page, datetime.now(UTC))
    return await _page(request, outcome.invitation, words)


async def _checkin(request: web.Request, invitation: Invitation) -> web.Response:
    """签到 / 签退 on the page: the venue's check-in as by the code in chat or by SMS."""
    texts = request.app[TEXTS]
    try:
        result = await request.app[DOMAIN].draws.venue.attendance.checkin(
            invitation.activity_id, invitation.person_id, datetime.now(UTC),
            code=invitation.code, wechat=False)
    except DomainError as exc:
        return await _page(request, invitation.id, refused=texts.error(exc))
    item = result.invitation
    moment = item.checkout_at if result.action == "out" else item.checkin_at
    assert moment is not None
    return await _page(request, item.id, texts.render(
        f"web/checkin_{result.action}.j2", at=china_time(moment), arrived=result.arrived,
        expected=result.expected, venue=result.venue,
        leaving_from=china_time(result.leaving_from), begun=result.begun))


def setup_answer_pages(app: web.Application) -> None:
    add_page(app, "GET", "/a/{token}", answer_page)
    add_page(app, "POST", "/a/{token}", answer_post)
