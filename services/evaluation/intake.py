"""The evaluation systems' messages read safely (docs/evaluation-systems.md): bidders, a
score table and an event, each checked whole before anything is kept — a wrong shape, an
unknown expert, bidder or criterion, a value out of its range, a duplicate or a missing
score refuses the message with its reason and keeps nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from services.common.errors import BadInput
from services.evaluation.analysis import Criterion, Score, Table

ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
BIDDERS_MAX, CRITERIA_MAX, SCORES_MAX = 200, 50, 20000
NAME_MAX, NOTE_MAX = 128, 200
# what an event at the venue or in the system may report, and what a confirmed one marks
# on the record: an attendance tick, or the conduct item it most likely is (the agency may
# pick another when it confirms); "other" has none
EVENT_KINDS = {"late": "late", "left_early": "left_early", "phone": "tbl71-8",
               "contact": "tbl71-4", "other": ""}


@dataclass(frozen=True)
class Bidder:
    key: str  # its unified social credit code, or the system's id of it
    name: str


@dataclass(frozen=True)
class Event:
    event_id: str
    expert: str  # the verification code
    kind: str
    at: datetime
    note: str


def _text(value: Any, most: int, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > most:
        raise BadInput("evaluation.bad_field", field=what)
    return " ".join(value.split())


def _id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not ID.fullmatch(value):
        raise BadInput("evaluation.bad_field", field=what)
    return value


def _number(value: Any, what: str) -> Decimal:
    """A JSON number (or its text) with at most two decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadInput("evaluation.bad_field", field=what)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadInput("evaluation.bad_field", field=what) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise BadInput("evaluation.bad_field", field=what)
    return number


def _list(data: dict[str, Any], key: str, most: int) -> list[Any]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise BadInput("evaluation.bad_field", field=key)
    if len(items) > most:
        raise BadInput("evaluation.too_many", field=key, most=most)
    return items


def parse_bidders(data: dict[str, Any]) -> list[Bidder]:
    bidders: dict[str, Bidder] = {}
    for item in _list(data, "bidders", BIDDERS_MAX):
        if not isinstance(item, dict):
            raise BadInput("evaluation.bad_field", field="bidders")
        key = _id(item.get("key"), "bidders.key")
        if key in bidders:
            raise BadInput("evaluation.duplicate", field="bidders.key", value=key)
        bidders[key] = Bidder(key, _text(item.get("name"), NAME_MAX, "bidders.name"))
    return list(bidders.values())


def parse_table(data: dict[str, Any], serving: set[str], bidders: set[str]
                ) -> tuple[str, Table]:
    """The table's id and the table: every expert a serving member of the committee,
    every bidder declared, every (expert, bidder, criterion) scored exactly once."""
    table_id = _id(data.get("table_id"), "table_id")
    criteria: dict[str, Criterion] = {}
    for item in _list(data, "criteria", CRITERIA_MAX):
        if not isinstance(item, dict) or item.get("kind") not in ("objective", "subjective"):
            raise BadInput("evaluation.bad_field", field="criteria.kind")
        code = _id(item.get("code"), "criteria.code")
        if code in criteria:
            raise BadInput("evaluation.duplicate", field="criteria.code", value=code)
        most = _number(item.get("max"), "criteria.max")
        if not Decimal(0) < most <= Decimal(1000):
            raise BadInput("evaluation.bad_field", field="criteria.max")
        criteria[code] = Criterion(code, _text(item.get("name"), NAME_MAX, "criteria.name"),
                                   most, item["kind"] == "subjective")
    scores: dict[tuple[str, str, str], Score] = {}
    for item in _list(data, "scores", SCORES_MAX):
        if not isinstance(item, dict):
            raise BadInput("evaluation.bad_field", field="scores")
        expert, bidder = str(item.get("expert", ""))[:16], str(item.get("bidder", ""))[:40]
        criterion = str(item.get("criterion", ""))[:40]
        if expert not in serving:
            raise BadInput("evaluation.not_member", code=expert)
        if bidder not in bidders:
            raise BadInput("evaluation.not_bidder", key=bidder)
        if criterion not in criteria:
            raise BadInput("evaluation.not_criterion", code=criterion)
        value = _number(item.get("value"), "scores.value")
        if not Decimal(0) <= value <= criteria[criterion].maximum:
            raise BadInput("evaluation.out_of_range", code=expert, key=bidder,
                           criterion=criterion, value=str(value),
                           most=str(criteria[criterion].maximum))
        if (expert, bidder, criterion) in scores:
            raise BadInput("evaluation.duplicate", field="scores",
                           value=f"{expert}/{bidder}/{criterion}")
        scores[(expert, bidder, criterion)] = Score(expert, bidder, criterion, value)
    experts = tuple(dict.fromkeys(s.expert for s in scores.values()))
    scored = tuple(dict.fromkeys(s.bidder for s in scores.values()))
    if len(scores) != len(experts) * len(scored) * len(criteria):
        raise BadInput("evaluation.incomplete", experts=len(experts), bidders=len(scored),
                       criteria=len(criteria), scores=len(scores),
                       expected=len(experts) * len(scored) * len(criteria))
    return table_id, Table(tuple(criteria.values()), experts, scored,
                           tuple(scores.values()))


def parse_event(data: dict[str, Any]) -> Event:
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in EVENT_KINDS:  # a list is no key of a dict
        raise BadInput("evaluation.bad_field", field="kind")
    try:
        at = datetime.fromisoformat(str(data.get("at", "")))
    except ValueError:
        raise BadInput("evaluation.bad_field", field="at") from None
    if at.tzinfo is None:
        raise BadInput("evaluation.bad_field", field="at")
    note = data.get("note", "")
    if not isinstance(note, str) or len(note) > NOTE_MAX or (kind == "other" and
                                                            not note.strip()):
        raise BadInput("evaluation.bad_field", field="note")
    return Event(_id(data.get("event_id"), "event_id"), str(data.get("expert", ""))[:16],
                 str(kind), at, " ".join(note.split()))
