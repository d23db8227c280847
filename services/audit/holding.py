"""What a file or a reading hands out of people's personal data, declared once: an export is
its sheets, a sheet its columns, each column the kind of personal data it holds (if any)
and whether it is shown in full or masked. The same declaration writes the file (its
headings, and each row's cells in column order: a row with a key more or less is refused)
and the entry of 个人信息访问记录 (PIPL Art. 51; the kinds whose columns held a value), so
the two cannot disagree (services/audit/exports.py declares every export; texts/exports/
holds the headings, texts/words/personal_field.j2 the kinds in words)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from services.common.texts import Texts


class Kind(StrEnum):
    """A kind of personal data a column holds (the 清单's fields where it has one,
    services/rights/data_inventory.py)."""

    NAME = "name"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    EMAIL = "email"
    BANK_ACCOUNT = "bank_account"
    EXPERT_NUMBER = "expert_number"
    WORK_UNIT = "work_unit"
    REGION = "region"
    INDUSTRY = "industry"
    TITLE_LEVEL = "title_level"
    SPECIALTIES = "specialties"
    STANDING = "standing"  # in the register, or deregistered
    APPLICATION = "application"  # an application's kind, state and review
    INVITATION = "invitation"  # drawn, answered, checked in and out, urged, absent
    FEE = "fee"  # an expert's fee: gross, tax withheld, net, when and how it was paid
    PAYMENT = "payment"  # a fee the person paid: the order, its state, the invoice asked
    # a year's account: invitations, service, conduct, absences, sanctions, courses, credit
    PERFORMANCE = "performance"


# the kinds with a masked form (mask_name, mask_id, mask_phone, mask_email, the last four
# digits of an account): the entry says whether the file held them in full
MASKABLE = frozenset({Kind.NAME, Kind.ID_NUMBER, Kind.PHONE, Kind.EMAIL, Kind.BANK_ACCOUNT})


class Shown(StrEnum):
    """How a column shows its kind."""

    FULL = "full"
    MASKED = "masked"
    ASKED = "asked"  # masked, unless the export is asked for in full (and that is recorded)


class Purpose(StrEnum):
    """Why a desk takes the data (texts/words/access_purpose.j2)."""

    TAX_DECLARATION = "tax_declaration"
    FEE_BOOKS = "fee_books"
    REGISTER = "register"
    DRAW_RESULTS = "draw_results"
    REVIEW = "review"
    BATCH = "batch"
    PAYMENTS = "payments"
    INVOICING = "invoicing"
    BANK_TRANSFER = "bank_transfer"
    CALLBACK = "callback"
    YEARLY_REVIEW = "yearly_review"


@dataclass(frozen=True)
class Held:
    """One kind of personal data and how it is shown."""

    kind: Kind
    shown: Shown = Shown.FULL

    def stored(self, full: bool) -> list[str]:
        """As an entry keeps it: [kind, "full" | "masked" | ""] (no mask for the kind)."""
        if self.kind not in MASKABLE:
            return [self.kind.value, ""]
        whole = self.shown is Shown.FULL or (self.shown is Shown.ASKED and full)
        return [self.kind.value, "full" if whole else "masked"]


@dataclass(frozen=True)
class Column:
    key: str  # its heading in texts/exports/<sheet>.j2, and its key in each row
    holds: tuple[Held, ...] = ()


@dataclass(frozen=True)
class ExportSheet:
    key: str  # texts/exports/<key>.j2: the sheet's title and its columns' headings
    columns: tuple[Column, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """Its columns' keys, in the order the file writes them."""
        return tuple(c.key for c in self.columns)

    def heading(self, texts: Texts) -> tuple[str, list[str]]:
        """The sheet's title and its columns' headings."""
        name = f"exports/{self.key}.j2"
        return texts.render(name, key="title"), [texts.render(name, key=k) for k in self.keys]


@dataclass(frozen=True)
class Export:
    """A download holding people's personal data, by its operation on the trail."""

    key: str  # the file's name (texts/console/files/<key>.j2)
    op: str  # "GET /console/withholding.xlsx"
    why: Purpose
    sheets: tuple[ExportSheet, ...]

    def everything(self, full: bool) -> list[list[str]]:
        """Every kind its columns hold (a reading of the same list, not a file)."""
        return self.held_in({(s.key, c.key) for s in self.sheets for c in s.columns}, full)

    def held_in(self, filled: Collection[tuple[str, str]], full: bool) -> list[list[str]]:
        """The kinds the `filled` columns ((sheet, column) keys) hold, in column order, each
        once; `full`: the export was asked for in full."""
        out: list[list[str]] = []
        for s in self.sheets:
            for c in s.columns:
                for held in c.holds if (s.key, c.key) in filled else ():
                    if (stored := held.stored(full)) not in out:
                        out.append(stored)
        return out


@dataclass(frozen=True)
class Reading:
    """A reading in full that is no file (a number shown on a page, a document viewed)."""

    op: str
    why: Purpose
    holds: tuple[Held, ...]

    def held(self) -> list[list[str]]:
        """What it shows, as an entry keeps it ([kind, shown] each)."""
        return [h.stored(True) for h in self.holds]


@dataclass
class Filled:
    """A file being written from its export's declaration: each row's cells in the
    declared order, and which columns held a value (what the file really holds)."""

    export: Export
    cells: set[tuple[str, str]] = field(default_factory=set)

    def lines(self, sheet: ExportSheet, rows: Iterable[Mapping[str, Any]]
              ) -> Iterator[list[Any]]:
        """Each row's cells in the sheet's declared order, noting the columns that held a
        value; a row with a column more or less than declared is refused (ValueError)."""
        keys = sheet.keys
        for row in rows:
            if row.keys() != set(keys):  # a column more or less: a fault of ours
                raise ValueError(f"{self.export.op} {sheet.key}: a row of {tuple(row)}")
            self.cells.update((sheet.key, k) for k in keys if row[k] not in (None, "", [], ()))
            yield [row[k] for k in keys]

    def held(self, full: bool) -> list[list[str]]:
        """The kinds of personal data the written file holds ([kind, shown] each)."""
        return self.export.held_in(self.cells, full)
