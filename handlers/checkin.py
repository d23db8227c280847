"""Check-in at the venue: scanning the activity's QR code (a signed scene, valid only
around the gathering time) checks a confirmed expert in, and out on a later scan; sending
the 6-digit verification code in chat checks in too. Anyone else is told plainly and nothing
is recorded."""

from __future__ import annotations

import re
from datetime import datetime

from bot.conversation.filters import Regex, Scene
from bot.conversation.router import Router
from models.people import Person
from services.common.clock import china_time
from services.common.scenes import CheckinScene
from services.common.texts import Texts
from services.draws import Draws
from services.draws.venue import CheckResult

router = Router("checkin")
CODE = r"^\d{6}$"
# a scan or a code is answered in one transaction with the read of who sent it
router.in_one_transaction(lambda ev: isinstance(ev.scene, CheckinScene) or bool(
    ev.msg.has_text and re.match(CODE, ev.text)))


def _reply(texts: Texts, result: CheckResult) -> str:
    item = result.invitation
    moment = item.checkout_at if result.action == "out" else item.checkin_at
    assert moment is not None
    return texts.render(f"chat/checkin/{result.action}.j2", at=china_time(moment),
                        arrived=result.arrived, expected=result.expected, venue=result.venue,
                        leaving_from=china_time(result.leaving_from), begun=result.begun)


@router.event(Scene(CheckinScene))
async def scan(scene: CheckinScene, person: Person | None, texts: Texts,
               draws: Draws, now: datetime) -> str:
    if now.timestamp() > scene.until:
        return texts.render("chat/checkin/expired.j2")
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    return _reply(texts, await draws.venue.attendance.checkin(scene.activity, person.id, now))


@router.message(Regex(CODE))
async def by_code(person: Person | None, texts: Texts, draws: Draws,
                  match: re.Match[str], now: datetime) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    return _reply(texts, await draws.venue.attendance.checkin_by_code(person.id, match.group(0),
                                                                      now))
