"""What the service holds about one person, kind by kind as the 清单 declares
(services/people/data_inventory.py): the list a person reads (PIPL Art. 44, 45) and the
machine-readable copy they download (Art. 45: 可以向个人信息处理者请求复制其个人信息). Only rows
that are the person's own (their person id); phones and ID numbers masked as the 清单 says,
times in China time, stored values in words."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from models import column
from models.applications import AppKind, Application, AppStatus, Attachment, ReviewAction
from models.draws import DrawActivity, Invitation, Project
from models.evaluation.scores import RecordProposal, ScoreObservation
from models.experts import ExpertAvoidUnit, ExpertProfile, ExpertRelative, ExpertSpecialty
from models.help import HelpQuestion, SupportMessage, SupportTicket
from models.learning.education import Course, Enrollment
from models.learning.exams import Exam, ExamAttempt
from models.money.payments import Payable
from models.money.payouts import Payout, PayoutAccount, PayoutReceipt
from models.notifications import Notification
from models.people import Person, RoleGrant
from models.venues import IdentityCheck
from models.wechat import WeChatIdentity, WeChatPrivacyEvent
from services.applicants import ATTACHMENTS, Applications
from services.audit import AuditChain
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotFound
from services.common.pii import mask_email, mask_phone
from services.common.texts import Texts, WordTable
from services.payments.invoicing import Invoices
from services.people import SCOPES, ApplicationDraft
from services.rights.corrections import EMAIL, IDENTITY, Correction
from services.rights.data_inventory import INVENTORY, DataKind, Keep, Mask

Values = dict[str, Any]
EXPORT_ACTION = "personal_data_export"  # the audit trail's action for a copy made


def _when(moment: datetime | None) -> str | None:
    return china_time(moment) if moment else None


def masked(value: Any, mask: Mask) -> Any:
    """A value as the 清单 lets it be shown."""
    if not isinstance(value, str) or not value:
        return value
    if mask == Mask.PHONE:
        return mask_phone(value)
    if mask == Mask.EMAIL:
        return mask_email(value)
    return value


class PersonalData:
    """Reads one person's data, each kind by its own collector; routes a correction."""

    def __init__(self, texts: Texts, days: int, log_days: int, audit: AuditChain) -> None:
        self.texts, self.audit = texts, audit
        self.days, self.log_days = days, log_days  # the retention periods, for the words

    def word(self, table: WordTable, key: str | None) -> str | None:
        return self.texts.word(table, key) if key else None

    async def collect(self, person: Person) -> dict[str, Values]:
        """Every declared kind with the person's own values, masked as declared."""
        out: dict[str, Values] = {}
        collectors = self.collectors()
        for item in INVENTORY:
            raw = await collectors[item.key](person)
            out[item.key] = {f.key: masked(raw.get(f.key), f.mask) for f in item.fields}
        return out

    def collectors(self) -> dict[str, Callable[[Person], Awaitable[Values]]]:
        """The collector of each declared kind, by its key (data_inventory.INVENTORY)."""
        return {"identity": self._identity, "contact": self._contact, "account": self._account,
                "expert": self._expert, "applications": self._applications,
                "draws": self._draws, "payments": self._payments,
                "payout_accounts": self._payout_accounts, "fees": self._fees,
                "education": self._education, "evaluation": self._evaluation,
                "notifications": self._notifications, "help": self._help,
                "codes": self._codes}

    async def listing(self, person: Person) -> list[Values]:
        """Each kind in words with the person's own values."""
        values = await self.collect(person)
        return [{**self.describe(k), "values": values[k.key]} for k in INVENTORY]

    async def copy(self, person: Person, now: datetime, via: str) -> bytes:
        """The machine-readable copy (JSON, UTF-8), its making on the audit trail."""
        body = {"generated_at": china_time(now), "kinds": await self.listing(person)}
        await self.audit.append(EXPORT_ACTION, now, person_id=person.id, name=person.name,
                                via=via)
        return json.dumps(body, ensure_ascii=False, indent=1, default=str).encode()

    def what_stays(self) -> str:
        """What a person leaving (注销) is told stays, for how long and why, and what is
        anonymised or removed then: the 清单's own words (PIPL Art. 17, 47)."""
        by = {keep: [self.describe(k) for k in INVENTORY if k.keep == keep] for keep in Keep}
        return self.texts.render("privacy/deregistered.j2", kept=by[Keep.KEPT],
                                 anonymised=by[Keep.ANONYMISE], deleted=by[Keep.DELETE])

    def period_words(self) -> str:
        """The retention after deregistration in words (15年, or days when shorter)."""
        return f"{self.days // 365}年" if self.days >= 365 else f"{self.days}天"

    def describe(self, item: DataKind) -> Values:
        """A kind in words: title, fields, purpose, legal basis, where kept, how long."""
        def w(prefix: str, key: str) -> str:
            return self.texts.render("words/personal_data.j2", key=f"{prefix}.{key}",
                                     days=self.days, log_days=self.log_days)
        return {"key": item.key, "title": w("kind", item.key),
                "fields": [w("field", f.key) for f in item.fields],
                "purpose": w("purpose", item.key), "basis": w("basis", item.key),
                "where": w("where", item.key), "retention": w("keep", item.key)}

    async def _identity(self, person: Person) -> Values:
        return {"name": person.name, "gender": self.word("gender", person.gender),
                "birth_year": person.birth_year, "id_number": person.id_masked}

    async def _contact(self, person: Person) -> Values:
        return {"phone": person.phone, "email": person.email}

    async def _account(self, person: Person) -> Values:
        grants = await RoleGrant.filter(person_id=person.id).order_by("id")
        channels = await column(WeChatIdentity.filter(person_id=person.id), "channel")
        return {"roles": [{"role": self.word("role", g.role), "granted_at": _when(g.granted_at),
                           "revoked_at": _when(g.revoked_at)} for g in grants],
                "expert_number": next((g.expert_number for g in grants if g.expert_number),
                                      None),
                "wechat": [self.word("channel", c) for c in sorted(channels)],
                "wechat_events": [{
                    "event": self.word("wechat_event", e.event),
                    "withdrawn": [SCOPES.get(n, str(n)) for n in e.scopes],
                    "at": _when(e.applied_at)}
                    for e in await WeChatPrivacyEvent.filter(person_id=person.id
                                                             ).order_by("id")],
                "password_set": bool(person.password_hash),
                "registered_at": _when(person.created_at),
                "deregistered_at": _when(person.deregistered_at)}

    async def _expert(self, person: Person) -> Values:
        profile = await ExpertProfile.get_or_none(person_id=person.id)
        if profile is None:
            return {}
        return {"region": profile.region, "willing_regions": profile.willing_regions,
                "work_unit": profile.work_unit, "title_level": profile.title_level,
                "industry": profile.industry,
                "specialties": await column(ExpertSpecialty.filter(expert_id=profile.id),
                                            "code"),
                "avoid_units": await column(ExpertAvoidUnit.filter(expert_id=profile.id),
                                            "unit_name"),
                # as kept: the relation, the name and ID number masked, the unit and post
                "relatives": [
                    f"{self.word('kinship', r.relation)} {r.name_masked} {r.id_masked}"
                    + (f" {r.unit_name} {self.word('kinship', r.post)}" if r.post else "")
                    for r in await ExpertRelative.filter(expert_id=profile.id).order_by("id")]}

    async def _applications(self, person: Person) -> Values:
        apps = await Application.filter(person_id=person.id).order_by("id")
        ids = [a.id for a in apps]
        log = await ReviewAction.filter(application_id__in=ids).order_by("id")
        files = await Attachment.filter(application_id__in=ids).order_by("id")
        return {"applications": [{"id": a.id, "status": self.word("application_status",
                                                                  a.status),
                                  "form": _masked_form(a.data)} for a in apps],
                "review_log": [{"application": r.application_id, "stage": r.stage_title,
                                "decision": self.word("review_decision", r.action),
                                "reason": r.reason, "at": _when(r.at)} for r in log],
                "attachments": [{"application": f.application_id,
                                 "kind": _attachment_title(f.kind),
                                 "file": f.filename, "at": _when(f.uploaded_at)}
                                for f in files]}

    async def _draws(self, person: Person) -> Values:
        items = await Invitation.filter(person_id=person.id).order_by("id")
        acts = {a.id: a for a in await DrawActivity.filter(
            id__in={i.activity_id for i in items})}
        projects = dict(await Project.filter(id__in={a.project_id for a in acts.values()}
                                             ).values_list("id", "name"))
        return {"invitations": [{
            "project": projects.get(acts[i.activity_id].project_id),
            "evaluation_start": _when(acts[i.activity_id].eval_start),
            "status": self.word("invitation_status", i.status), "answered_at":
                _when(i.replied_at), "checked_in_at": _when(i.checkin_at)} for i in items],
            "identity_checks": [{
                "method": self.word("check_method", c.method), "passed": c.passed,
                "at": _when(c.at)}
                for c in await IdentityCheck.filter(person_id=person.id).order_by("id")],
            "handled_activities": await _handled(person)}

    async def _evaluation(self, person: Person) -> Values:
        """What the evaluation systems' scores made of the person's scoring, and the
        proposals on their records (services/evaluation), by the evaluation's project."""
        proposals = await RecordProposal.filter(person_id=person.id).order_by("id")
        profile = await ExpertProfile.get_or_none(person_id=person.id)
        seen = await ScoreObservation.filter(expert_id=profile.id).order_by("id") \
            if profile else []
        acts = {a.id: a for a in await DrawActivity.filter(
            id__in={p.activity_id for p in proposals} | {o.activity_id for o in seen})}
        projects = dict(await Project.filter(id__in={a.project_id for a in acts.values()}
                                             ).values_list("id", "name"))

        def project(activity_id: int) -> Any:
            return projects.get(acts[activity_id].project_id) if activity_id in acts else None

        return {"scores": [{"project": project(o.activity_id), "bidder": o.bidder,
                            "deviation_percent": str(o.percent), "at": _when(o.at)}
                           for o in seen],
                "proposals": [{"project": project(p.activity_id),
                               "kind": self.word("proposal_kind", p.kind),
                               "status": self.word("proposal_status", p.status),
                               "reason": p.reason, "at": _when(p.created_at)}
                              for p in proposals]}

    async def _payments(self, person: Person) -> Values:
        return {"payables": [{"title": p.title, "amount_yuan": p.amount_fen / 100,
                              "paid_at": _when(p.paid_at)}
                             for p in await Payable.filter(person_id=person.id).order_by("id")]}

    async def _payout_accounts(self, person: Person) -> Values:
        return {"bank_accounts": [{
            "holder": a.holder, "bank": a.bank, "number": a.number_masked,
            "amount_yuan": a.amount_fen / 100, "given_at": _when(a.given_at),
            "paid_at": _when(a.paid_at)}
            for a in await PayoutAccount.filter(person_id=person.id).order_by("id")]}

    async def _fees(self, person: Person) -> Values:
        paid = await Payout.filter(person_id=person.id).order_by("id")
        acts = {a.id: a for a in await DrawActivity.filter(id__in={p.activity_id for p in paid})}
        projects = dict(await Project.filter(id__in={a.project_id for a in acts.values()}
                                             ).values_list("id", "name"))
        receipts = frozenset(await column(PayoutReceipt.filter(
            payout_id__in=[p.id for p in paid], state="archived"), "payout_id"))
        return {"transfers": [{
            "project": projects.get(acts[p.activity_id].project_id)
            if p.activity_id in acts else None,
            "fee_yuan": p.gross_fen / 100, "tax_yuan": p.tax_fen / 100,
            "paid_yuan": p.amount_fen / 100, "state": self.word("payout_state", p.shown_state),
            "finished_at": _when(p.finished_at), "receipt_archived": p.id in receipts}
            for p in paid]}

    @staticmethod
    async def _help(person: Person) -> Values:
        tickets = await SupportTicket.filter(person_id=person.id).order_by("id")
        said = await SupportMessage.filter(ticket_id__in=[t.id for t in tickets]).order_by("id")
        return {"questions": [{"question": q.question, "asked_at": _when(q.asked_at),
                               "answered": bool(q.answered_key)}
                              for q in await HelpQuestion.filter(person_id=person.id
                                                                 ).order_by("id")],
                "support": [{"number": f"K{t.id:06d}", "opened_at": _when(t.opened_at),
                             "messages": [{"from_staff": m.from_staff, "text": m.text,
                                           "at": _when(m.at)} for m in said
                                          if m.ticket_id == t.id]} for t in tickets]}

    async def _education(self, person: Person) -> Values:
        enrolled = await Enrollment.filter(person_id=person.id).order_by("id")
        courses = dict(await Course.filter(id__in={e.course_id for e in enrolled}
                                           ).values_list("id", "title"))
        tries = await ExamAttempt.filter(person_id=person.id).order_by("id")
        exams = dict(await Exam.filter(id__in={t.exam_id for t in tries}
                                       ).values_list("id", "title"))
        return {"courses": [{"course": courses.get(e.course_id), "progress": e.progress,
                             "grading": self.word("grading", e.grading),
                             "completed_at": _when(e.completed_at)} for e in enrolled],
                "exams": [{"exam": exams.get(t.exam_id), "score": t.score,
                           "passed": t.passed, "submitted_at": _when(t.submitted_at)}
                          for t in tries]}

    async def _notifications(self, person: Person) -> Values:
        # all of them: the retention job keeps them LOG_RETENTION_DAYS at most
        sent = await Notification.filter(person_id=person.id).order_by("-id")
        return {"notifications": [{"kind": self.word("notification_kind", n.kind),
                                   "at": _when(n.created_at),
                                   "status": self.word("send_status", n.status)}
                                  for n in sent]}

    async def _codes(self, person: Person) -> Values:
        return {}

    @staticmethod
    async def request_correction(applications: Applications, person: Person, field: str,
                                 value: str | None, now: datetime) -> Correction:
        """Route one field's correction (see the module's docstring)."""
        if field in IDENTITY:
            raise BadInput("privacy.identity_fixed")
        if field == "email":
            if not value or not EMAIL.fullmatch(value.strip()):
                raise BadInput("privacy.value_needed")
            await Invoices.set_email(person, value.strip())
            return Correction("email_changed")
        if field == "phone":
            return Correction("phone_by_code")
        if field not in ApplicationDraft.model_fields:
            raise BadInput("privacy.unknown_field")
        if await ExpertProfile.exists(person_id=person.id, active=True):
            open_one = await Application.filter(
                person_id=person.id, kind=AppKind.CHANGE,
                status__in=[AppStatus.DRAFT, AppStatus.RETURNED]).first()
            if open_one is None:
                open_one = await applications.start_request(person, AppKind.CHANGE, now)
            return Correction("change_request", open_one.id)
        latest = await Application.filter(person_id=person.id).order_by("-id").first()
        if latest is None:
            raise NotFound("privacy.no_application")
        if latest.status not in (AppStatus.DRAFT, AppStatus.RETURNED):
            raise Conflict("application.in_review")
        return Correction("edit_application", latest.id)


async def _handled(person: Person) -> list[Values]:
    """The 经办人 details typed on each activity the person handles (GD-DRAW's 经办人信息:
    "默认取当前登录的法人或经办人信息"): the phone and ID number as kept masked beside their
    sealed copies (models/draw_handler.py); the sealed ones are not opened here."""
    handled = await DrawActivity.filter(handler_id=person.id).order_by("id")
    projects = dict(await Project.filter(id__in={a.project_id for a in handled}
                                         ).values_list("id", "name"))
    return [{"activity": a.name or projects.get(a.project_id), "project":
             projects.get(a.project_id), "created_at": _when(a.created_at),
             "handler_name": a.handler_name, "handler_phone": a.handler_phone_masked,
             "handler_id_number": a.handler_id_masked}
            for a in handled if a.handler_name or a.handler_phone_masked
            or a.handler_id_masked]


# the application form's own phone fields (services/applicants/form.py), masked in the copy
_FORM_PHONES = ("backup_phone", "office_phone")


def _masked_form(data: dict[str, Any]) -> dict[str, Any]:
    form = dict(data)
    for key in _FORM_PHONES:
        if form.get(key):
            form[key] = mask_phone(str(form[key]))
    if form.get("email"):
        form["email"] = mask_email(str(form["email"]))
    return form


def _attachment_title(kind: str) -> str:
    spec = ATTACHMENTS.get(kind)
    return spec.title if spec else kind
