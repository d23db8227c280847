"""The domain aggregate: every service the edges (chat, the mini-program API, the web pages,
the jobs, the sandbox) call, built once per process by the composition root (config/) with
keyword arguments and handed to each edge as a whole or in the parts it uses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from services.admin import (
    Administration,
    AdminViews,
    FeedbackDesk,
    KeyDates,
    StatisticsDesk,
    TrailWords,
)
from services.applicants import (
    ApplicationReads,
    Applications,
    PublicNotice,
    Review,
    UnitRequests,
)
from services.audit import AuditChain
from services.common.files import FileStore
from services.common.links import Links
from services.common.pii import Vault
from services.common.runtime.replica import LaggingReads
from services.common.scenes import SceneCodec
from services.documents import Documents
from services.draws import Draws
from services.education import (
    Education,
    Exams,
    Marking,
    Materials,
    Training,
    TrainingRefunds,
)
from services.evaluation import (
    CommitteeReads,
    CommitteeWatches,
    Corrections,
    EvaluationSystems,
    EventDesk,
    FlagStatistics,
    Portraits,
    Proposals,
    ScoreDesk,
    ScoreReviews,
)
from services.federation import DirectoryReader, PeerAsks, PeerDesk, PeerLending
from services.fees import Fees
from services.help import Help, SupportDesk
from services.notifications import Outbox
from services.onboarding import Onboarding
from services.payments import BillReconcile, Payments
from services.payments.invoicing import EInvoices, Invoices
from services.payments.transfers import TransferReconcile
from services.people import (
    Agencies,
    Binding,
    Callers,
    Experts,
    IdentityRules,
    People,
    Reencryption,
    Registration,
    Relatives,
    RelativesYearly,
    SecondFactor,
    SecurityDesk,
    VerificationCodes,
    WeChatPrivacy,
)
from services.people.dishonesty import DishonestyChecks
from services.people.register import RegisterImports
from services.people.verifiers import UnifiedIdentity
from services.reference import ConsultContacts, Holidays, Reference
from services.rights import PersonalData, RetentionJob
from services.standing import ConductCatalogue, CreditDesk, SanctionDesk, YearlyAccounts


@dataclass(frozen=True, kw_only=True)
class Domain:
    vault: Vault
    people: People
    experts: Experts  # experts' particulars, departments and schedules
    relatives: Relatives  # the close relatives experts declare (the draw avoids them)
    relatives_yearly: RelativesYearly  # ... asked again at the year's turn
    callers: Callers  # who is calling: a session's identity and grants
    identity_rules: IdentityRules  # ID numbers, phones, credit codes, the applicant's age
    reencryption: Reencryption  # sealed data moved to the current key
    codes: VerificationCodes
    binding: Binding
    registration: Registration
    outbox: Outbox
    files: FileStore
    documents: Documents  # forms, sheets and PDFs made from the data
    links: Links
    scenes: SceneCodec
    reference: Reference  # divisions, the specialty catalogue, titles, units
    holidays: Holidays  # the working-day calendar
    key_dates: KeyDates  # the keys and certificates that end, told before they do
    consult_contacts: ConsultContacts  # whom an applicant asks, by region
    applications: Applications
    application_reads: ApplicationReads  # applications and attachments as the edges read them
    exams: Exams
    marking: Marking  # essays marked by the administrator
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
    # draws (GD-DRAW) as one service of parts: setup, running, venue, followups, record,
    # answering, ... (services/draws/service.py)
    draws: Draws
    agencies: Agencies
    onboarding: Onboarding  # a migrated expert's order of steps
    register: RegisterImports
    administration: Administration
    admin_views: AdminViews  # the administrator's lists
    statistics: StatisticsDesk
    trail_words: TrailWords  # the audit trail in words
    feedback: FeedbackDesk
    sanctions: SanctionDesk
    conduct: ConductCatalogue  # the items a performance record picks from
    credit: CreditDesk  # experts' credit and standing
    yearly_accounts: YearlyAccounts  # each expert's account of a finished year (年度考核)
    fees: Fees  # experts' fees: standards, sheets, funding, payouts, tax, the ledger
    dishonesty: DishonestyChecks
    einvoices: EInvoices
    audit: AuditChain
    reads: LaggingReads  # the connection of reads that can lag (replica or primary)
    second_factor: SecondFactor
    security: SecurityDesk
    personal_data: PersonalData
    unified_identity: UnifiedIdentity  # agencies through the province's identity platform
    knowledge: Help  # the knowledge base and the 智能客服 answering from it
    support: SupportDesk  # 人工客服: the people who asked for a human, and the staff's replies
    retention: RetentionJob
    wechat_privacy: WeChatPrivacy  # WeChat's privacy events (授权用户信息变更)
    peers: PeerDesk  # the libraries this one trusts, and their directories
    lending: PeerLending  # other libraries' requests for experts drawn here
    asking: PeerAsks  # this library's conditions drawn by another library
    directory: DirectoryReader  # the counts this library shares with its peers
    # the trading centres' evaluation systems: their register, the committees they read,
    # the scores and events they post, and the proposals those make on records
    evaluation_systems: EvaluationSystems
    watches: CommitteeWatches
    committee_reads: CommitteeReads  # an activity's committee, the evaluations of a day
    evaluation_events: EventDesk  # events the systems post about an expert
    scores: ScoreDesk
    corrections: Corrections  # a kept table corrected as GPL-87-64 allows
    score_reviews: ScoreReviews  # the agency asks the committee to re-check (Art. 45 (八))
    proposals: Proposals
    portraits: Portraits  # an expert's dimensions, each with its events
    flag_statistics: FlagStatistics

    def services(self) -> dict[str, object]:
        """Each service by its field name (what chat handlers ask for by parameter name)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
