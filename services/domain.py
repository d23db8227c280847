"""The domain aggregate: every service the edges (chat, the mini-program API, the web pages,
the jobs, the sandbox) call, built once per process by the composition root (config/) with
keyword arguments and handed to each edge as a whole or in the parts it uses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from services.admin.actions import Administration
from services.admin.audit_chain import AuditChain
from services.admin.feedback import FeedbackDesk
from services.applicants.applications import Applications
from services.applicants.public_notice import PublicNotice
from services.applicants.review import Review
from services.common.files import FileStore
from services.common.links import Links
from services.common.pii import Vault
from services.common.replica import LaggingReads
from services.common.scenes import SceneCodec
from services.draws.attendance import Attendance
from services.draws.engine import DrawEngine
from services.draws.followups import DrawFollowups
from services.draws.payouts import Payouts
from services.draws.recall import Recall
from services.draws.setup import DrawSetup
from services.draws.virtual_calls import VirtualCalls
from services.education.courses import Education
from services.education.exams import Exams
from services.notifications.outbox import Outbox
from services.payments.bill import BillReconcile
from services.payments.einvoices import EInvoices
from services.payments.invoices import Invoices
from services.payments.orders import Payments
from services.people.agencies import Agencies
from services.people.binding import Binding
from services.people.codes import VerificationCodes
from services.people.dishonesty_runs import DishonestyChecks
from services.people.personal_data import PersonalData
from services.people.persons import People
from services.people.register_import import RegisterImports
from services.people.registration import Registration
from services.people.retention import RetentionJob
from services.people.sanctions import SanctionDesk
from services.people.second_factor import SecondFactor
from services.people.security_desk import SecurityDesk


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
    register: RegisterImports
    administration: Administration
    feedback: FeedbackDesk
    sanctions: SanctionDesk
    payouts: Payouts  # experts' fees through WeChat Pay's merchant transfer
    dishonesty: DishonestyChecks
    virtual_calls: VirtualCalls
    recall: Recall
    einvoices: EInvoices
    audit: AuditChain
    reads: LaggingReads  # the connection of reads that can lag (replica or primary)
    second_factor: SecondFactor
    security: SecurityDesk
    personal_data: PersonalData
    retention: RetentionJob

    def services(self) -> dict[str, object]:
        """Each service by its field name (what chat handlers ask for by parameter name)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
