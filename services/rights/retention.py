"""Retention as the 清单 declares it (services/people/data_inventory.py), enforced by a daily
job (config/worker.py): persons deregistered longer than `after_deregistration` are
anonymised (PIPL Art. 47: 保存期限已届满 → 删除或匿名化; Art. 73: 匿名化 means the person can no
longer be identified) — the draw records, review decisions and audit entries that name them
stay (政府采购法 Art. 42: at least 15 years) and read "已注销用户<id>"; notification rows (the
log of what was sent) are removed `logs` days after they finished (网络安全法 Art. 21: logs at
least 6 months). SMS codes and sessions are Redis keys with a time to live: Redis removes them.
Each run writes a RetentionRun row with its counts per kind, and an audit entry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models import column
from models.applications import Application, Attachment, Objection, ReviewAction
from models.audit import RetentionRun
from models.draw_handler import HANDLER_SEALED
from models.draws import DrawActivity
from models.experts import (
    ExpertAvoidUnit,
    ExpertPastUnit,
    ExpertProfile,
    ExpertRelative,
    Unavailability,
)
from models.help import HelpQuestion, SupportMessage, SupportState, SupportTicket
from models.money.payments import EInvoice, Payable
from models.money.payouts import PayoutAccount
from models.notifications import Notification, Status
from models.people import Person, anonymise_identity
from models.sanctions import PERMANENT, AppealOutcome, Sanction
from services.audit import AuditChain
from services.common.files import FileStore
from services.common.pii import Vault, barred_key
from services.common.texts import Texts
from services.rights.data_inventory import INVENTORY

log = logging.getLogger(__name__)

ANONYMISED = "anon:"  # the id_number_hash prefix of an anonymised person (unique per id)
FINISHED = (Status.SENT, Status.DELIVERED, Status.FAILED, Status.DEAD)
BATCH = 200


def anonymous_phone() -> dict[str, Any]:
    """What an anonymised person's phone becomes: no number, sealed or clear, no lookup hash
    and no masked copy (nobody is reached or found by it; person.phone reads "")."""
    return {"phone_enc": "", "phone_hash": "", "phone_masked": "", "phone_clear": None}


async def forget_help(before: datetime | None, person_id: int | None = None) -> int:
    """The questions asked of the 智能客服 and the 人工客服 conversations: those older than
    `before` (closed ones, for conversations), or all of one person's."""
    questions = HelpQuestion.filter(person_id=person_id) if person_id is not None \
        else HelpQuestion.filter(asked_at__lt=before)
    tickets = SupportTicket.filter(person_id=person_id) if person_id is not None \
        else SupportTicket.filter(state=SupportState.CLOSED, closed_at__lt=before)
    ids = await column(tickets, "id")
    return (await questions.delete() + await SupportMessage.filter(ticket_id__in=ids).delete()
            + await SupportTicket.filter(id__in=ids).delete())


async def forget_objections(objections: Any) -> tuple[int, list[str]]:
    """The 公示 objections of `objections` (a query) removed: rows, and their evidence
    files' keys to remove once the rows are gone."""
    rows = await objections
    keys = [str(e["key"]) for o in rows for e in o.evidence]
    removed = await Objection.filter(id__in=[o.id for o in rows]).delete() if rows else 0
    return removed, keys


@dataclass(frozen=True)
class Retention:
    """The periods the job counts (PERSONAL_DATA_RETENTION_DAYS, LOG_RETENTION_DAYS)."""

    after_deregistration: timedelta
    logs: timedelta


class RetentionJob:
    def __init__(self, policy: Retention, vault: Vault, files: FileStore, texts: Texts,
                 audit: AuditChain) -> None:
        self.policy, self.vault, self.files = policy, vault, files
        self.texts, self.audit = texts, audit

    async def due(self, now: datetime) -> list[int]:
        """Persons deregistered before the period began, not anonymised yet."""
        return await column(Person.filter(
            deregistered_at__lte=now - self.policy.after_deregistration).exclude(
            id_number_hash__startswith=ANONYMISED).order_by("id").limit(BATCH), "id")

    async def run(self, now: datetime) -> RetentionRun:
        """One run: anonymise who is due, remove expired log rows, report and audit."""
        report = await RetentionRun.create(started_at=now)
        counts = {k.key: 0 for k in INVENTORY}
        persons = 0
        while ids := await self.due(now):
            for person_id in ids:
                for key, n in (await self.anonymise(person_id)).items():
                    counts[key] += n
                persons += 1
        counts["notifications"] += await Notification.filter(
            status__in=FINISHED, created_at__lt=now - self.policy.logs).delete()
        counts["help"] += await forget_help(now - self.policy.logs)
        # a 公示 objection ruled on and its objector told (or no longer tried): its objector
        # and evidence kept as long as the logs, the ruling stays in the review log
        removed, keys = await forget_objections(Objection.filter(
            ruled_at__lt=now - self.policy.logs).exclude(told_at=None, tell_attempts=0))
        counts["applications"] += removed
        await self._remove_files(keys)
        report.counts, report.persons = counts, persons
        report.finished_at = datetime.now(UTC)  # the run's own end, not its start
        await report.save(update_fields=["counts", "persons", "finished_at"])
        await self.audit.append("retention", now, run=report.id, persons=persons,
                                counts={k: v for k, v in counts.items() if v})
        log.info("retention run %s: %s persons anonymised, %s", report.id, persons, counts)
        return report

    @staticmethod
    async def runs(limit: int = 50) -> list[RetentionRun]:
        """The latest runs, newest first (the administrator's retention report)."""
        return await RetentionRun.all().order_by("-id").limit(limit)

    async def _kept_hash(self, person_id: int) -> str:
        """`anon:<id>`, or for a person a removal or lifetime ban (实施条例 Art. 71/72: no end)
        still bars, their ID number's keyed hash: a new account with that number cannot
        become an expert again (services/applicants, the register import)."""
        person = await Person.get(id=person_id)
        profiles = await column(ExpertProfile.filter(person_id=person_id), "id")
        if not await Sanction.filter(expert_id__in=profiles, kind__in=list(PERMANENT),
                                     ends_on=None).exclude(
                outcome=AppealOutcome.REVOKED).exists():
            return f"{ANONYMISED}{person_id}"
        number = self.vault.decrypt(person.id_number_enc) if person.id_number_enc else ""
        return barred_key(self.vault.lookup_hash(number)) if number \
            else f"{ANONYMISED}{person_id}"

    async def anonymise(self, person_id: int) -> dict[str, int]:
        """One person's identifying fields replaced, within the models' constraints; their
        records stay. Rows changed or removed, per kind."""
        name = self.texts.render("privacy/anonymous_name.j2", id=person_id)
        done: dict[str, int] = {}
        keys: list[str] = []
        async with in_transaction():
            if not await anonymise_identity(
                    person_id, name=name[:32], id_number_enc=self.vault.encrypt(""),
                    id_number_hash=await self._kept_hash(person_id), id_masked="", gender="",
                    birth_year=0):
                return done
            await Person.filter(id=person_id).update(
                **anonymous_phone(), phone_changed_at=None, email=None,
                password_hash=None, must_change_password=False)
            done["identity"] = done["contact"] = done["account"] = 1
            profiles = await column(ExpertProfile.filter(person_id=person_id), "id")
            done["expert"] = await ExpertProfile.filter(id__in=profiles).update(
                work_unit="", unit_credit_code=None, qualifications=[]) \
                + await ExpertAvoidUnit.filter(expert_id__in=profiles).delete() \
                + await ExpertPastUnit.filter(expert_id__in=profiles).delete() \
                + await ExpertRelative.filter(expert_id__in=profiles).delete() \
                + await Unavailability.filter(person_id=person_id).delete()
            apps = await column(Application.filter(person_id=person_id), "id")
            files = await Attachment.filter(application_id__in=apps)
            keys = [f.storage_key for f in files]
            removed, evidence = await forget_objections(
                Objection.filter(application_id__in=apps))  # about them, and the objectors
            keys += evidence
            done["applications"] = await Application.filter(id__in=apps).update(data={}) \
                + await ReviewAction.filter(actor_id=person_id).update(actor_name=name[:32]) \
                + await Attachment.filter(application_id__in=apps).delete() + removed
            # the 经办人 typed on the activities they handled: the record stays, the name
            # reads as theirs does, the phone and ID number go (sealed and masked alike)
            done["draws"] = await DrawActivity.filter(handler_id=person_id).update(
                handler_name=name[:32], **dict.fromkeys(HANDLER_SEALED, ""))
            payables = await column(Payable.filter(person_id=person_id), "id")
            await Payable.filter(id__in=payables).update(invoice_email=None)
            done["payout_accounts"] = await PayoutAccount.filter(person_id=person_id).update(
                holder="", bank="", number_enc="", number_masked="")
            await EInvoice.filter(payable_id__in=payables).update(emailed_to=None)
            done["notifications"] = await Notification.filter(person_id=person_id).delete()
            done["help"] = await forget_help(None, person_id)
        await self._remove_files(keys)
        return done

    async def _remove_files(self, keys: list[str]) -> None:
        """The files once their rows are gone (a crash leaves only files)."""
        for key in keys:
            try:
                await self.files.delete(key)
            except OSError as exc:
                log.warning("retention: attachment file not removed: %r", exc)
