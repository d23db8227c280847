"""What every context does about each thing that can happen to a person: the one table
(docs/rules-that-are-ours.md states the rules each applies). A reaction with `run` is called
by the announcing context inside its change's
transaction (services/common/reactions.py): the context below cannot call the one above,
so the table, built by the composition root, calls it. A reaction with `where` is done in
the announcing call itself, or is a read of the fact at the moment it matters (a draw, a
check-in, a review); `where` names that function. tests/house/test_reactions.py walks the
table: every happening has its row, every `where` exists, every announced happening is in
it; the journeys in tests/draws/test_sanction_reach.py run the called ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from models.money.payments import FeeKind
from services.common.reactions import Happened, Happening, Paid, Reaction, RelativesDeclared
from services.draws.candidates import KinReleases
from services.draws.venue import SanctionRelease
from services.education import Education, Training
from services.fees import FeeSheets, Funding
from services.notifications import Outbox

R = Reaction
Table = Mapping[Happening, Sequence[Reaction]]


def paid_for(happened: Happened, kind: FeeKind) -> Paid | None:
    """What a payment paid for, when it is `kind`."""
    details = happened.details
    return details if isinstance(details, Paid) and details.kind == kind else None


def table(outbox: Outbox, education: Education, training: Training) -> Table:
    async def release(happened: Happened) -> None:
        await SanctionRelease.release_for_sanction(outbox, happened)

    async def kin(happened: Happened) -> None:
        if isinstance(happened.details, RelativesDeclared):
            await KinReleases.hold(outbox, happened.details.expert_id, happened.at)

    async def course_paid(happened: Happened) -> None:
        if paid := paid_for(happened, FeeKind.COURSE):
            await education.on_paid(paid.ref_id, happened.at, happened.change)

    async def training_paid(happened: Happened) -> None:
        if paid := paid_for(happened, FeeKind.TRAINING):
            await training.on_paid(paid.ref_id, happened.change)

    async def fee_follows(happened: Happened) -> None:
        await FeeSheets.on_marked(happened)

    async def sheet_paid(happened: Happened) -> None:
        if paid_for(happened, FeeKind.FEE_SHEET):
            await Funding.on_paid(happened)

    return {
        Happening.SANCTION_DECIDED: (
            R("notifications", "the expert is told the sanction, its period and how to appeal",
              where="services.standing.sanctions:SanctionDesk.decide"),
            R("standing", "credit is computed again with the sanction counted",
              where="services.standing.credit:CreditDesk.recompute"),
            R("draws", "a confirmed place on an evaluation the sanction covers, not yet "
              "begun, is released: the expert told, the agency told a place opened (no "
              "name), the place open for a 补抽", run=release),
            R("draws", "not drawn (a 补抽 neither) for an evaluation on a day it covers",
              where="services.draws.candidates.rules:sanctioned"),
            R("federation", "a place lent to another library's 副场 is released as any other "
              "(its draw is ours); the roster sent to that library says 受处理, so its agency "
              "sees the place open", where="services.federation.lend_rosters:LendRosters.sweep"),
            R("draws", "check-in at the venue refused in words",
              where="services.draws.venue.attendance:Attendance.checkin"),
            R("evaluation", "a released place changes the committee: the evaluation systems "
              "that read it are sent it again, the expert 受处理",
              where="services.evaluation.watch:CommitteeWatches.sweep"),
            R("draws", "a 复评 by calls refuses to re-confirm them",
              where="services.draws.followups.recall:require_eligible"),
            R("applicants", "the reviewer of a 续聘 or change sees it with the credit level, "
              "失信 flags and continuing education",
              where="services.applicants.standing_view:StandingViews.applicant_standing"),
            R("applicants", "a removal or lifetime ban: no new application",
              where="services.applicants.standing_view:barred"),
        ),
        Happening.SANCTION_REVOKED: (
            R("notifications", "the expert is told the ruling",
              where="services.standing.sanctions:SanctionDesk.rule"),
            R("standing", "credit is computed again without it",
              where="services.standing.credit:CreditDesk.recompute"),
            R("draws", "drawn again from now on; a place it released is not given back (a "
              "补抽 may have filled it: docs/rules-that-are-ours.md)",
              where="services.draws.candidates.rules:sanctioned"),
        ),
        Happening.SANCTION_ENDED: (
            R("draws", "drawn again for evaluations after its last day (a date the rules "
              "read, no call)", where="services.draws.candidates.rules:sanctioned"),
            R("draws", "check-in allowed again on later days",
              where="services.draws.venue.attendance:Attendance.checkin"),
        ),
        Happening.ABSENCE_REGISTERED: (
            R("notifications", "the expert is told at once (a false registration is caught)",
              where="services.draws.followups.absences:Absences.register_absence"),
            R("federation", "an absence in a draw made for another library's 副场 reaches that "
              "library with the roster (请假, 缺席, 现场回避)",
              where="services.federation.lend_rosters:LendRosters.sweep"),
            R("federation", "there, its agency is told a lent expert cannot serve (no name: "
              "the place is the lending library's to fill)",
              where="services.federation.ask_rosters:AskRosters.apply"),
            R("draws", "the place is open for a 补抽 once the results unseal (before, out of "
              "sight: docs/seal.md)", where="services.draws.facts.family:open_places"),
            R("draws", "the draw's counts do not move (the seal)",
              where="services.draws.news.counts:Progress.draw_counts"),
            R("standing", "credit computed again: 缺席 and 请假 cost the rule's points, "
              "现场回避 and a sanction's 受处理 nothing",
              where="services.standing.credit:CreditDesk.on_absence"),
            R("draws", "the agency records the absent expert on the performance sheet "
              "(not one whose place a sanction took)",
              where="services.draws.record.performance:Performance.sheet"),
            R("evaluation", "the evaluation systems that read the committee are sent it again, "
              "the expert absent and why; a score or an event for them is refused",
              where="services.evaluation.watch:CommitteeWatches.sweep"),
        ),
        Happening.ABSENCE_UNDONE: (
            R("notifications", "the expert is told, with the verification code again",
              where="services.draws.followups.absences:Absences.undo_absence"),
            R("standing", "credit computed again without it",
              where="services.standing.credit:CreditDesk.on_absence"),
        ),
        Happening.DEREGISTERED: (
            R("people", "refused while a confirmed evaluation lies ahead; then roles revoked, "
              "WeChat unbound, the profile inactive",
              where="services.people.schedule:Schedules.deregister"),
            R("draws", "an inactive expert is not drawn", where="services.draws.candidates.pool:"
              "candidate_pool"),
        ),
        Happening.ANONYMISED: (
            R("rights", "after the retention period the person's particulars are erased",
              where="services.rights.retention:RetentionJob.anonymise"),
            R("rights", "under a removal or lifetime ban the ID number's keyed hash is kept",
              where="services.rights.retention:RetentionJob._kept_hash"),
            R("applicants", "a new account with a barred ID number cannot apply",
              where="services.applicants.standing_view:barred"),
            R("people", "a register import refuses a barred ID number's row",
              where="services.people.register.imports:RegisterImports.run"),
        ),
        Happening.RESIDENCE_CHANGED: (
            R("people", "an approved change or 续聘 writes the new residence to the profile",
              where="services.people.experts:Experts.apply_to_profile"),
            R("applicants", "the review stage's scope contains the residence (a county in its "
              "city)", where="services.applicants.review_scope:in_scope"),
            R("draws", "the draw's residence condition reads the profile when it draws",
              where="services.draws.candidates.pool:candidate_pool"),
            R("draws", "异地 (another city than the residence's) is read again: who declined "
              "it is not drawn there, the record marks it and the fee pays travel for it",
              where="services.reference.regions:RegionList.elsewhere"),
        ),
        Happening.RELATIVES_DECLARED: (
            R("people", "the list replaces the last: each name masked, each ID number kept "
              "only as its keyed hash; a relative who is an expert of the register is "
              "declared by the name the register has, or refused in words",
              where="services.people.relatives:Relatives.declare"),
            R("people", "an approved application, 续聘 or change that declares them writes "
              "them", where="services.people.experts:Experts.apply_to_profile"),
            R("draws", "not drawn where a declared relative holds a post at a unit the "
              "activity avoids, or is a person it avoids",
              where="services.draws.candidates.relations:relative_at"),
            R("draws", "never seated with a related expert in one committee: the second in "
              "the order is passed over", where="services.draws.candidates.relations:"
              "Committee.clash"),
            R("draws", "a related pair already confirmed for an evaluation not begun is held "
              "for the administrator: both told their places stand until then, the "
              "administrators told a case waits (GD-CG-1 Art. 21)", run=kin),
            R("draws", "the administrator confirms: both places released (or all but the "
              "one who stays, the other having withdrawn), each told why, the agency told "
              "places opened (no name), each open for a 补抽; or finds it not borne out: "
              "both told their places stand",
              where="services.draws.candidates.kin_release:KinReleases.decide"),
        ),
        Happening.PHONE_CHANGED: (
            R("people", "changed only with a code sent to the new phone",
              where="services.people.registration:Registration.change_phone"),
            R("notifications", "every later SMS and call goes to the phone read when it is "
              "sent", where="bot.relay.recipients:recipients_of"),
        ),
        Happening.CE_PASSED: (
            R("education", "the certificate is issued and the expert told",
              where="services.education.courses:Education.test_result"),
            R("applicants", "the reviewer of a 续聘 reads the course and its grading",
              where="services.applicants.standing_view:StandingViews.applicant_standing"),
        ),
        Happening.CE_FAILED: (
            R("education", "the expert is told and may take the make-up",
              where="services.education.courses:Education.makeup"),
            R("applicants", "the reviewer of a 续聘 reads the course and its grading",
              where="services.applicants.standing_view:StandingViews.applicant_standing"),
        ),
        Happening.IMPORTED: (
            R("people", "a row creates or updates the person and the profile; a row whose "
              "phone belongs to someone else is refused",
              where="services.people.register.imports:RegisterImports.run"),
            R("people", "a new phone for a person already here does not replace the one "
              "that signs in: the row says so and the person is told how to change it",
              where="services.people.register.imports:RegisterImports.run"),
        ),
        Happening.RECORD_MARKED: (
            R("notifications", "the expert is told the record as it now stands, and may "
              "reply or dispute it once", where="services.draws.record.performance:"
              "Performance.record"),
            R("standing", "credit computed again with the record",
              where="services.standing.credit:CreditDesk.recompute"),
            R("fees", "a 政府采购 expert's fee loses the labour fee and the 异地 travel and meal "
              "allowances (CK-198 Art. 25), held while a dispute waits, given back when a "
              "review takes the grounds away; a recorded line follows before finance "
              "approves, a sheet waiting for finance holds the new amount, an approved, "
              "sent or paid one is not changed and says so; the expert told why; a "
              "招标投标 fee is not changed, the item shown beside it", run=fee_follows),
        ),
        Happening.PAID: (
            R("payments", "the order is settled once (verified, idempotent), the payer told "
              "and, but for a fee sheet (the experts' money passing through), an invoice "
              "offered", where="services.payments.orders:Payments.settle"),
            R("education", "a course paid opens two days later, the expert told",
              run=course_paid),
            R("education", "an applicant who paid the training fee is sent the batch's "
              "sessions still to come", run=training_paid),
            R("fees", "the sheet being paid goes to finance with the transaction as its "
              "reference; paid for a sheet not waiting for it, the payment is logged for "
              "finance", run=sheet_paid),
            R("federation", "a sheet of experts we lent to another library's 副场, paid by "
              "its agency by our QR code, goes to finance the same way; the next sheet sent "
              "tells that library it was funded", where="services.federation.lend_fees:"
              "LendFees.sweep"),
        ),
    }
