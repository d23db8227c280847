"""`expertbot reconcile [--date YYYY-MM-DD]`: a day's payments checked against WeChat Pay's
trade bill (services/payments/bill.py) — or, while the bill is not out (today, or before
10:00 the next day), each of the day's orders asked by its own query — the result recorded
(replacing the day's earlier one) and printed: one line per mismatch, then the totals. Exit
status: 0 everything matches, 1 mismatches, 2 the bill is not available yet (orders asked
one by one and none differing), could not be read, or the command could not run
(configuration, payments off, a day still to come)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from config.observability.logging_setup import setup_logging
from config.settings import Settings, settings_or_exit
from services.common.clock import CHINA

if TYPE_CHECKING:  # the payments context is imported by the command, not by `expertbot`
    from services.payments import Report

# the exit status by the run's RunStatus (models/money/reconciliation.py); any mismatch is 1
EXIT = {"ok": 0, "mismatches": 1, "bill_unavailable": 2, "failed": 2, "queried": 2}


def parse_day(text: str) -> date:
    """--date's value: a calendar day, YYYY-MM-DD."""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text[:20]!r}") from None


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `reconcile` to the `expertbot` command's subcommands."""
    parser = sub.add_parser("reconcile",
                            help="check a day's payments against WeChat Pay's trade bill")
    parser.add_argument("--date", type=parse_day, default=None,
                        help="the day, China time, today at the latest (default: yesterday)")
    parser.set_defaults(func=cmd_reconcile)


def _yuan(fen: int | None) -> str:
    return "-" if fen is None else f"{fen / 100:.2f}"


def report_text(report: Report) -> str:
    """The report as a table: one line per mismatch, then the totals."""
    lines = [f"WeChat Pay trade bill of {report.day:%Y-%m-%d} (China time): {report.status}"]
    if report.note:
        lines.append(f"  {report.note}")
    if report.due is not None:
        expected = f"{report.due.expected.astimezone(CHINA):%Y-%m-%d %H:%M}" \
            if report.due.expected else "late: WeChat Pay is still making it"
        check = f"{report.due.check.astimezone(CHINA):%Y-%m-%d %H:%M}" \
            if report.due.check else "none left: run this command again later"
        lines.append(f"  the bill is not out: expected {expected} (China time); the daily "
                     f"job reads it at {check}")
    if report.mismatches:
        lines.append(f"  {'kind':<16}{'out_trade_no':<34}{'transaction_id':<34}"
                     f"{'ours':>10}{'theirs':>10}  note")
        for m in report.mismatches:
            note = m.note or (f"ours: {m.our_status}" if m.our_status else "")
            lines.append(f"  {m.kind:<16}{m.out_trade_no or '-':<34}"
                         f"{m.transaction_id or '-':<34}{_yuan(m.our_fen):>10}"
                         f"{_yuan(m.their_fen):>10}  {note}".rstrip())
    counted = "orders asked one by one" if report.status == "queried" else "lines in the bill"
    lines.append(f"  {counted}: {report.bill_rows}, paid here that day: "
                 f"{report.our_paid}, mismatches: {report.mismatch_count}")
    return "\n".join(lines)


async def reconcile(settings: Settings, day: date | None) -> int:
    """Reconcile `day` (default: yesterday, China time) as `expertbot reconcile` does:
    prints the report, returns the exit status."""
    from config.runtime import open_runtime
    from services.common.clock import china_today
    from services.common.errors import DomainError

    async with open_runtime(settings, settings.own_url) as rt:
        now = datetime.now(UTC)
        try:
            report = await rt.domain.bill_reconcile.reconcile_day(
                day or china_today(now) - timedelta(days=1), now)
        except DomainError as exc:
            print(rt.texts.error(exc), file=sys.stderr)
            return 2
    print(report_text(report))
    return 1 if report.mismatch_count else EXIT[report.status]


def cmd_reconcile(args: argparse.Namespace) -> None:
    settings, _ = settings_or_exit(fill_dev_secrets=True)
    setup_logging(settings.log_level, settings.logs_as)
    raise SystemExit(asyncio.run(reconcile(settings.for_batch_work(), args.date)))
