"""Jobs the domain schedules: the exam timer, and the sweep behind it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from models.learning.exams import ExamAttempt
from services.common.clock import Clock, china_today
from services.common.pending import pending
from services.domain import Domain
from services.evaluation import CommitteeWatches, ScoreReviews
from services.federation import PeerAsks, PeerLending
from services.reference import HolidayReminder

DOMAIN_CTX = "domain"  # where the worker's context holds the domain (see domain_of)
# where a context may hold the clock the jobs read (services/common/clock.py): a driver that
# runs the jobs on a clock of its own puts it there; the worker's jobs read the system's
CLOCK_CTX = "clock"


def domain_of(ctx: dict[str, Any]) -> Domain:
    """The domain from the worker's context, typed."""
    domain = ctx[DOMAIN_CTX]
    assert isinstance(domain, Domain), "the worker context has no domain"
    return domain


def now_of(ctx: dict[str, Any]) -> datetime:
    """This moment by the context's clock (the system's when it holds none)."""
    clock = ctx.get(CLOCK_CTX)
    return clock.now() if isinstance(clock, Clock) else datetime.now(UTC)


async def exam_timeout(ctx: dict[str, Any], attempt_id: int) -> None:
    """At the deadline: hand in the paper if the candidate has not."""
    now = now_of(ctx)
    attempt = await ExamAttempt.get_or_none(id=attempt_id)
    if attempt is None or attempt.submitted_at is not None:
        return
    if attempt.deadline > now + timedelta(seconds=1):  # woke early: the sweep will catch it
        return
    await domain_of(ctx).exams.submit(attempt_id, now, by="timer")


async def sweep_exams(ctx: dict[str, Any]) -> int:
    """Every papers past its deadline, in case a timer job was lost; and the public notices
    of exam-less batches that ended (services/applicants/public_notice.py)."""
    domain, now = domain_of(ctx), now_of(ctx)
    await domain.public_notice.close_due(now)
    for objection_id in await domain.public_notice.telling.untold(now):  # a job lost
        await domain.public_notice.telling.tell(objection_id, now)
    return int(await domain.exams.submit_overdue(now))


async def tell_objector(ctx: dict[str, Any], objection_id: int) -> str:
    """The ruling on a 公示 objection to its objector, by mail or SMS; a refusal the gateway
    may get over is tried again later (services/applicants/objection_telling.py)."""
    return await domain_of(ctx).public_notice.telling.tell(objection_id, now_of(ctx))


async def reconcile_payments(ctx: dict[str, Any]) -> dict[str, int]:
    """The payments backstop: orders whose notification never came, replaced orders still
    to close, duplicates to refund."""
    return dict(await domain_of(ctx).payments.reconcile(now_of(ctx)))


async def sweep_payouts(ctx: dict[str, Any]) -> int:
    """Experts' fee transfers nothing was heard of for 5 minutes, and those past their 24
    hours: asked of WeChat Pay and settled (services/fees/payouts.py)."""
    now = now_of(ctx)
    swept = await domain_of(ctx).fees.payouts.sweep(now)
    await domain_of(ctx).fees.receipts.sweep(now)  # the 电子回单 of those paid
    return swept


async def reconcile_bill(ctx: dict[str, Any]) -> str:
    """Yesterday's payments (China time) against WeChat Pay's trade bill
    (services/payments/bill.py). WeChat Pay makes a day's bill from 09:00 China time the
    next day and advises fetching it after 10:00, so the cron runs at 10:30 China time
    (config/worker.py's CRON_TIMEZONE), and again at 11:30, 12:30, 14:30 and 16:30: a
    later run does nothing once the day has a result read from its bill (ok or
    mismatches), and tries again while the
    bill was not available yet (STATEMENT_CREATING: WeChat Pay advises asking again about
    half an hour later) or the attempt failed (WeChat Pay unreachable, a file that did not
    match its SHA1). While the bill is not available each of yesterday's orders is asked by
    its own query instead (services/payments/day_check.py: a `queried` run, which a later
    run replaces with the bill's). A day still unavailable after the last run stays so, for
    an administrator to see and run `expertbot reconcile --date` for. Yesterday's transfers
    to experts are checked the same way against the fund-flow bill
    (services/payments/transfers/bill.py). The hours are BILL_CHECKS (services/payments)."""
    domain, now = domain_of(ctx), now_of(ctx)
    if not domain.bill_reconcile.enabled:
        return "payments off"
    day = china_today(now) - timedelta(days=1)
    said = []
    # the trade bill (payments), then the fund-flow bill (transfers to experts), each once
    # it has a result read from its bill
    for name, service in (("payments", domain.bill_reconcile),
                          ("transfers", domain.transfer_reconcile)):
        if await service.settled(day):
            said.append(f"{name}: already reconciled")
        else:
            said.append(f"{name}: {(await service.reconcile_day(day, now)).status}")
    return "; ".join(said)


async def draw_invitation_timeout(ctx: dict[str, Any], invitation_id: int) -> None:
    """An invitation's response window closed: the next candidate is invited."""
    await domain_of(ctx).draws.running.sweep.expire(invitation_id, now_of(ctx))


async def draw_invitation_call(ctx: dict[str, Any], invitation_id: int, attempt: int) -> None:
    """A drawn expert has not answered yet: their phone rings (services/draws/running/calls.py)."""
    calls = domain_of(ctx).draws.running.calls
    if calls is not None:
        await calls.call(invitation_id, attempt, now_of(ctx))


async def draw_sealed_requests(ctx: dict[str, Any]) -> int:
    """What the agency asked while the results are sealed (services/draws/followups/sealed.py)."""
    return await domain_of(ctx).draws.followups.sealed.apply_pending(now_of(ctx))


async def sweep_draws(ctx: dict[str, Any]) -> dict[str, int]:
    """Invitations whose timer was lost, results that just unsealed, withdrawal notices not
    yet acknowledged, reminders, automatic urges and absences, call bindings past their
    time, and agencies whose performance records are due by the end of today."""
    now, domain = now_of(ctx), domain_of(ctx)
    counts = dict(await domain.draws.running.sweep.sweep(now))
    counts["withdrawal_notices"] = await domain.draws.followups.withdrawals.renotify(now)
    counts["sealed_requests"] = await domain.draws.followups.sealed.apply_pending(now)
    counts["reminders"] = await domain.draws.venue.attendance.remind(now)
    counts.update(await domain.draws.venue.attendance.sweep(now))
    counts["call_bindings_expired"] = \
        await domain.draws.followups.virtual_calls.release_expired(now)
    counts["performance_due"] = await domain.draws.record.performance_due.remind(now)
    counts.update(await _sweep_links(domain, now))
    return counts


async def _sweep_links(domain: Domain, now: datetime) -> dict[str, int]:
    """The other libraries' and the evaluation systems' sweeps, those with anything to look
    at (one statement says which: a library that neither asks nor lends, and that no
    evaluation system reads, makes one statement here every sweep instead of ten)."""
    due = await pending(now, [PeerAsks.PENDING, PeerLending.PENDING,
                              CommitteeWatches.PENDING, ScoreReviews.PENDING])
    asks, lends = PeerAsks.PENDING.name in due, PeerLending.PENDING.name in due
    return {
        # conditions another library draws: requests sent, answers asked for
        "peer_asks": await domain.asking.sweep(now) if asks else 0,
        # draws made here for another library: their 副场's rosters sent
        "peer_rosters": await domain.lending.rosters.sweep(now) if lends else 0,
        "peer_fees": (await domain.lending.fees.sweep(now) if lends else 0) + (
            await domain.asking.fees.sweep(now) if asks else 0),
        # committees the evaluation systems read: their changes sent
        "evaluation_committees": await domain.watches.sweep(now)
        if CommitteeWatches.PENDING.name in due else 0,
        # the agency's requests that a committee re-check its scores: delivered
        "evaluation_reviews": await domain.score_reviews.sweep(now)
        if ScoreReviews.PENDING.name in due else 0}


async def import_register(ctx: dict[str, Any], run_id: int) -> None:
    """An expert register uploaded in the console (services/people/register/imports.py)."""
    await domain_of(ctx).register.run(run_id, lambda: now_of(ctx))


async def follow_invoice(ctx: dict[str, Any], einvoice_id: int) -> str:
    """One e-invoice followed: issued yet? then its file, the mail and the push
    (services/payments/invoicing/einvoices.py)."""
    return await domain_of(ctx).einvoices.follow(einvoice_id, now_of(ctx))


async def sweep_invoices(ctx: dict[str, Any]) -> dict[str, int]:
    """Paid fees to invoice by themselves, and invoices whose follow-up was lost."""
    return dict(await domain_of(ctx).einvoices.sweep(now_of(ctx)))


async def chain_audit(ctx: dict[str, Any]) -> int:
    """The operation-log rows written since the last run, joined to the audit chain."""
    return await domain_of(ctx).audit.chain_draw_logs(now_of(ctx))


async def anchor_audit(ctx: dict[str, Any]) -> dict[str, Any]:
    """The audit chain's end, written to the log each night (shipped off the box)."""
    return await domain_of(ctx).audit.anchor(now_of(ctx))


async def enforce_retention(ctx: dict[str, Any]) -> dict[str, int]:
    """The retention the 清单 declares: the deregistered past their period anonymised,
    expired log rows removed, a report row and an audit entry (services/rights/retention.py)."""
    run = await domain_of(ctx).retention.run(now_of(ctx))
    return dict(run.counts)


async def keep_histories(ctx: dict[str, Any]) -> int:
    """Work histories of experts admitted before the draw read them, from their applications
    (services/people/experts.py backfill_histories)."""
    return await domain_of(ctx).experts.backfill_histories()


async def dishonesty_run(ctx: dict[str, Any], run_id: int) -> None:
    """A 失信被执行人 check run, for a while from where it stopped
    (services/people/dishonesty/runs.py)."""
    await domain_of(ctx).dishonesty.run(run_id, lambda: now_of(ctx))


async def dishonesty_sweep(ctx: dict[str, Any]) -> int:
    """Check runs not finished (an admission, a run whose job stopped), to a worker."""
    return await domain_of(ctx).dishonesty.sweep(now_of(ctx))


async def dishonesty_due(ctx: dict[str, Any]) -> bool:
    """The periodic check of every active expert, when DISHONESTY_EVERY_DAYS have passed."""
    return await domain_of(ctx).dishonesty.due(now_of(ctx)) is not None


async def relatives_yearly(ctx: dict[str, Any]) -> int:
    """In January, each expert asked once to confirm or correct their close relatives
    (services/people/relatives_yearly.py)."""
    return await domain_of(ctx).relatives_yearly.ask(now_of(ctx))


async def yearly_accounts(ctx: dict[str, Any]) -> int:
    """Once the last year's records are in, each expert's account of it made and told
    (services/standing/yearly_accounts.py)."""
    return await domain_of(ctx).yearly_accounts.make(datetime.now(UTC))


async def holiday_missing(ctx: dict[str, Any]) -> int:
    """From 1 November, the system administrators told once a day that next year's holiday
    calendar is missing (services/reference/holiday_reminder.py)."""
    return await HolidayReminder(domain_of(ctx).outbox).remind(now_of(ctx))
