"""The domain aggregate: every service the edges (chat, the mini-program API, the web pages,
the jobs, the sandbox) call, built once per process by the composition root (config/) with
keyword arguments and handed to each edge as a whole or in the parts it uses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from services.admin import Administration, FeedbackDesk
from services.applicants import Applications, PublicNotice, Review, UnitRequests
from services.audit import AuditChain
from services.common.files import FileStore
from services.common.links import Links
from services.common.pii import Vault
from services.common.replica import LaggingReads
from services.common.scenes import SceneCodec
from services.draws import (
    Attendance,
    DrawEngine,
    DrawFollowups,
    DrawSetup,
    FaceCheckIns,
    IdentityChecks,
    Recall,
    VirtualCalls,
)
from services.education import Education, Exams, Materials, Training, TrainingRefunds
from services.federation import PeerAsks, PeerDesk, PeerLending
from services.fees import Fees
from services.notifications import Outbox
from services.payments import (
    BillReconcile,
    EInvoices,
    Invoices,
    Payments,
    TransferReconcile,
)
from services.people import (
    Agencies,
    Binding,
    DishonestyChecks,
    People,
    RegisterImports,
    Registration,
    SecondFactor,
    SecurityDesk,
    VerificationCodes,
    WeChatPrivacy,
)
from services.rights import PersonalData, RetentionJob
from services.standing import SanctionDesk


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
    unit_requests: UnitRequests  # units staff add on an applicant's request
    public_notice: PublicNotice
    education: Education
    materials: Materials  # training material applicants download before the exam
    training: Training  # a batch's training sessions and attendance
    refunds: TrainingRefunds  # a training fee refunded before the training, or refused
    payments: Payments
    bill_reconcile: BillReconcile
    transfer_reconcile: TransferReconcile
    invoices: Invoices
    draw_setup: DrawSetup
    draws: DrawEngine
    draw_followups: DrawFollowups
    attendance: Attendance
    identity_checks: IdentityChecks  # identity at the venues' check-in
    face_checkins: FaceCheckIns  # ... by WeChat's face verification in the mini-program
    agencies: Agencies
    register: RegisterImports
    administration: Administration
    feedback: FeedbackDesk
    sanctions: SanctionDesk
    fees: Fees  # experts' fees: standards, sheets, funding, payouts, tax, the ledger
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
    wechat_privacy: WeChatPrivacy  # WeChat's privacy events (授权用户信息变更)
    peers: PeerDesk  # the libraries this one trusts, and their directories
    lending: PeerLending  # other libraries' requests for experts drawn here
    asking: PeerAsks  # this library's conditions drawn by another library

    def services(self) -> dict[str, object]:
        """Each service by its field name (what chat handlers ask for by parameter name)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
