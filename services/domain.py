"""The domain aggregate: every service the edges (chat, the mini-program API, the web pages,
the jobs, the sandbox) call, built once per process by the composition root (config/) with
keyword arguments and handed to each edge as a whole or in the parts it uses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from services.administration import Administration
from services.agencies import Agencies
from services.applications import Applications
from services.attendance import Attendance
from services.bill_reconcile import BillReconcile
from services.binding import Binding
from services.codes import VerificationCodes
from services.draw_engine import DrawEngine
from services.draw_followups import DrawFollowups
from services.draw_setup import DrawSetup
from services.education import Education
from services.exams import Exams
from services.feedback import FeedbackDesk
from services.files import FileStore
from services.invoices import Invoices
from services.links import Links
from services.outbox import Outbox
from services.payments import Payments
from services.people import People
from services.pii import Vault
from services.public_notice import PublicNotice
from services.registration import Registration
from services.review import Review
from services.scenes import SceneCodec


@dataclass(frozen=True, kw_only=True)
class Domain:
    vault: Vault
    people: People
    codes: VerificationCodes
    binding: Binding
    registration: Registration
    outbox: Outbox
    files: FileStore
    links: Links
    scenes: SceneCodec
    applications: Applications
    exams: Exams
    review: Review
    public_notice: PublicNotice
    education: Education
    payments: Payments
    bill_reconcile: BillReconcile
    invoices: Invoices
    draw_setup: DrawSetup
    draws: DrawEngine
    draw_followups: DrawFollowups
    attendance: Attendance
    agencies: Agencies
    administration: Administration
    feedback: FeedbackDesk

    def services(self) -> dict[str, object]:
        """Each service by its field name (what chat handlers ask for by parameter name)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
