"""The statistics as one workbook, a sheet per table (openpyxl in write-only mode; call it in
a worker thread). The sheets' titles and headings are texts/documents/statistics_sheets.j2,
the rules of counting texts/documents/statistics_rules.j2; amounts in yuan, rates in per
cent, months in words. A text Excel would run as a formula is written as text."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from services.admin.statistics import MonthFigures, Statistics, StatisticsFigures, yuan

if TYPE_CHECKING:
    from services.fees import MoneyRow

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def month_row(m: MonthFigures, title: str) -> list[Any]:
    s = m.statuses
    return [title, m.draws, m.supplements, m.redraws, m.reevals, m.lent, m.borrowed,
            m.borrowed_absent, m.recall_attended,
            m.recall_declined, m.invited, m.confirmed, s["declined"], s["avoided"], s["timeout"],
            s["absent"], m.answered, m.decline_rate, m.absence_rate, yuan(m.fee_recorded_fen),
            yuan(m.fee_paid_fen), m.small_pools]


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class StatisticsDesk:
    """The administrator's statistics: the workbook of them; its part `statistics` holds
    the figures of a period of China months."""

    statistics: StatisticsFigures = field(default_factory=StatisticsFigures)

    @staticmethod
    def workbook(stats: Statistics, sheets: str, rules: str,
                 money: Sequence[MoneyRow] = ()) -> bytes:
        """The workbook's bytes. `sheets`: "key|title|heading|…" lines; `rules`: "name|meaning"
        lines; `money`: the fees paid per month and agency (services/fees/money.py)."""
        from openpyxl import Workbook

        titles: dict[str, list[str]] = {}
        for line in sheets.splitlines():
            if line.strip():
                key, *rest = line.split("|")
                titles[key.strip()] = rest
        tables: list[tuple[str, Sequence[Sequence[Any]]]] = [
            ("months", [*(month_row(m, m.month.words) for m in stats.months),
                        month_row(stats.total, titles["total"][0])]),
            ("regions", [(r.name, r.draws) for r in stats.regions]),
            ("most", [(n, e.expert_number, e.name, e.evaluations)
                      for n, e in enumerate(stats.most, 1)]),
            ("least", [(n, e.expert_number, e.name, e.evaluations)
                       for n, e in enumerate(stats.least, 1)]),
            ("sanctions", [(s.words, s.count) for s in stats.sanctions]),
            ("money", [(f"{r.month.year}年{r.month.month}月", r.agency, r.transfers,
                        yuan(r.transfer_fen), r.banked, yuan(r.bank_fen), yuan(r.tax_fen),
                        yuan(r.net_fen), r.receipts) for r in money]),
            ("rules", [line.split("|", 1) for line in rules.splitlines() if "|" in line])]
        book = Workbook(write_only=True)
        for key, rows in tables:
            title, *header = titles[key]
            page = book.create_sheet(title[:31])
            page.append(header)
            for row in rows:
                page.append([_safe(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
