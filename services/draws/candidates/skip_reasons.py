"""Why a draw passed over a candidate, as a value (SkippedCandidate.reason keeps its text;
an exported record carries the text too, so the format is fixed):
- "sanction:<sanction id>", "unavailable:<day off id>", "booked:<activity id>",
  "invited:<invitation id>": the record that bears it out;
- "cap:<n>:<months>", "tenderer_cap:<n>:<months>": the library's caps;
- "past_unit:<work history record id>:<years>": a unit the activity avoids in the
  expert's work history within the window of that many years (services/draws/running/
  past_units.py);
- "relative:<relative record id>": a declared relative at a unit the activity avoids, or a
  person it avoids; "related:<invitation id>": related to an expert already invited to or
  seated in the committee (services/draws/candidates/relations.py);
- "remote:<venue region code>": the expert answered 否 to 是否接受异地评标 (XJ-SIGNUP) and
  the venue is 异地 for them (services/reference elsewhere);
- "supervisor", "inactive", "avoided": nothing more.
`read` gives None for a text no rule writes (the audit reports it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast, get_args

from services.common.texts import Texts
from services.reference import Reference

SkipKind = Literal["sanction", "unavailable", "booked", "invited", "cap", "tenderer_cap",
                   "supervisor", "inactive", "avoided", "remote", "past_unit", "relative",
                   "related"]
WITH_RECORD = ("sanction", "unavailable", "booked", "invited", "relative", "related")
CAPS = ("cap", "tenderer_cap")
PLACES = ("remote",)
RULES = ("sanction", "supervisor", "cap", "tenderer_cap")  # services/draws/candidates/rules.py


@dataclass(frozen=True)
class Skip:
    kind: SkipKind
    record: int | None = None  # the record's id (WITH_RECORD)
    cap: int | None = None  # a cap's number of evaluations (CAPS)
    months: int | None = None  # ... in this many months before the evaluation
    place: str | None = None  # a region code (PLACES)
    years: int | None = None  # past_unit's window

    def text(self) -> str:
        if self.kind == "past_unit":
            return f"{self.kind}:{self.record}:{self.years}"
        if self.kind in WITH_RECORD:
            return f"{self.kind}:{self.record}"
        if self.kind in PLACES:
            return f"{self.kind}:{self.place}"
        if self.kind in CAPS:
            return f"{self.kind}:{self.cap}:{self.months}"
        return self.kind

    @property
    def ref(self) -> str:
        """What follows the kind in the text ("" when nothing does)."""
        return self.text().partition(":")[2]


def read(text: str) -> Skip | None:
    """The skip a stored reason says, or None when no rule writes such a text."""
    kind, _, rest = text.partition(":")
    if kind not in get_args(SkipKind):
        return None
    known = cast(SkipKind, kind)
    if kind == "past_unit":
        record, _, years = rest.partition(":")
        return Skip(known, record=int(record), years=int(years)) \
            if record.isdigit() and years.isdigit() else None
    if kind in WITH_RECORD:
        return Skip(known, record=int(rest)) if rest.isdigit() else None
    if kind in PLACES:
        return Skip(known, place=rest) if rest.isdigit() and len(rest) in (2, 4, 6) else None
    if kind in CAPS:
        cap, _, months = rest.partition(":")
        return Skip(known, cap=int(cap), months=int(months)) \
            if cap.isdigit() and months.isdigit() else None
    return None if rest else Skip(known)


def for_record(kind: Literal["sanction", "unavailable", "booked", "invited", "relative",
                             "related"],
               record: int) -> str:
    return Skip(kind, record=record).text()


def for_cap(kind: Literal["cap", "tenderer_cap"], cap: int, months: int) -> str:
    return Skip(kind, cap=cap, months=months).text()


def for_past_unit(record: int, years: int) -> str:
    return Skip("past_unit", record=record, years=years).text()


def for_place(kind: Literal["remote"], place: str) -> str:
    return Skip(kind, place=place).text()


class SkipReasons:
    """Why a draw passed over a candidate, as a value and in words."""

    @staticmethod
    def said(text: str, texts: Texts) -> str:
        """A stored reason in words (texts/words/skip_reason.j2); a text no rule writes as it is."""
        skip = read(text)
        if skip is None:
            return text
        return texts.render("words/skip_reason.j2", kind=skip.kind, cap=skip.cap,
                            months=skip.months, years=skip.years,
                            place=Reference.regions().full_name(skip.place) if skip.place else "")
