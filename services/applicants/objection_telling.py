"""The objector told the ruling on their objection (the 公示's objections,
services/applicants/objections.py): by e-mail through the Mailer, or by SMS to the mobile they
gave, from a job — a refusal the gateway may get over is tried again later (TELL_BACKOFF),
a refusal for good is kept for the desk to see. Nobody on record is behind the contact, so no
notification row: the objection itself keeps whether and when they were told. The periodic
sweep finds a ruling whose job was lost."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from models.applications import Application, Objection
from models.people import Person
from services.applicants.objections import TELL_JOB, Objections
from services.common.clock import china_time
from services.common.pii import mask_name
from services.common.schedule import Schedule
from services.common.texts import Texts
from services.notifications import Mail, Mailer, MailError, SmsGateway, SmsMessage

log = logging.getLogger(__name__)

# minutes before each try again: the gateway's bad minute, then its bad hour
TELL_BACKOFF = (1, 5, 30, 120, 480)
LOST_AFTER = timedelta(minutes=10)  # a ruling untold this long had its job lost
SMS_KIND = "objection.ruled"


class ObjectionTelling:
    """Tells each objector the ruling (the part `telling` of PublicNotice)."""

    def __init__(self, objections: Objections, texts: Texts, sms: SmsGateway,
                 mailer: Mailer | None, schedule: Schedule) -> None:
        self.objections, self.texts, self.sms = objections, texts, sms
        self.mailer, self.schedule = mailer, schedule

    def words(self, objection: Objection, applicant: str) -> dict[str, str]:
        return {"applicant": applicant, "raised": china_time(objection.raised_at),
                "sustained": "1" if objection.ruling == "sustained" else "",
                "note": objection.ruling_note or "",
                "ruled": china_time(objection.ruled_at) if objection.ruled_at else ""}

    async def tell(self, objection_id: int, now: datetime) -> str:
        """Send the ruling to the objector once: "told", "again" (to be tried later),
        "failed" (refused for good or out of tries) or "nothing" (not ruled, or told)."""
        found = await Objection.get_or_none(id=objection_id)
        if found is None or found.ruling is None or found.told_at is not None:
            return "nothing"
        if found.tell_attempts >= len(TELL_BACKOFF) + 1:
            return "failed"
        who = self.objections.objector(found)
        app = await Application.get(id=found.application_id)
        applicant = await Person.get_or_none(id=app.person_id)
        values = self.words(found, mask_name(applicant.name) if applicant else "")
        try:
            if who.contact_kind == "email":
                if self.mailer is None:
                    raise MailError("no mailer is set", permanent=True)
                subject, _, body = self.texts.render("mail/objection_ruled.j2", **values
                                                     ).strip().partition("\n")
                await self.mailer.send(Mail(who.contact, subject.strip(), body.strip() + "\n"))
            else:
                text = self.texts.render(f"notify/{SMS_KIND}/sms.j2", **values).strip()
                await self.sms.send(SmsMessage(who.contact, SMS_KIND, text, values,
                                               reference=f"objection:{found.id}"))
        except Exception as exc:  # a gateway's refusal, whatever its kind: kept, tried again
            attempts = found.tell_attempts + 1
            permanent = isinstance(exc, MailError) and exc.permanent
            log.warning("objection %s: the objector was not told (try %s): %s", found.id,
                        attempts, type(exc).__name__)
            await Objection.filter(id=found.id).update(
                tell_attempts=attempts if not permanent else len(TELL_BACKOFF) + 1,
                tell_error=type(exc).__name__[:200])
            if permanent or attempts > len(TELL_BACKOFF):
                return "failed"
            when = now + timedelta(minutes=TELL_BACKOFF[attempts - 1])
            await self.schedule(TELL_JOB, when, (found.id,), f"{TELL_JOB}:{found.id}:{attempts}")
            return "again"
        await Objection.filter(id=found.id).update(told_at=now, tell_error=None,
                                                   tell_attempts=found.tell_attempts + 1)
        return "told"

    async def untold(self, now: datetime, limit: int = 50) -> list[int]:
        """Rulings whose objector is not told yet and was never tried: their job was lost
        (a job that tried schedules its own next try)."""
        found = await Objection.filter(
            ruling__not_isnull=True, told_at=None, ruled_at__lte=now - LOST_AFTER,
            tell_attempts=0).order_by("id").limit(limit)
        return [o.id for o in found]
