"""The decision records (docs/decisions/) stay a record a reader can trust: numbered without
a gap, each listed once in the index with the status it gives itself, each saying its
context, decision, consequences and when to undo it, and a superseded one naming a record
that says it supersedes it."""

from __future__ import annotations

import re
from pathlib import Path

DECISIONS = Path(__file__).resolve().parents[2] / "docs" / "decisions"
RECORD = re.compile(r"(\d{4})-[a-z0-9-]+\.md")
SECTIONS = ("## Context", "## Decision", "## Consequences")
ENDINGS = ("## When to undo it", "## Why it is undone")
STATUSES = ("accepted", "being made now", "superseded by")


def _records() -> dict[str, Path]:
    return {m.group(1): path for path in sorted(DECISIONS.glob("*.md"))
            if (m := RECORD.fullmatch(path.name))}


def _rows() -> list[str]:
    """The index's table rows, one a record."""
    return [line for line in (DECISIONS / "README.md").read_text().splitlines()
            if line.startswith("| [")]


def _status(path: Path) -> str:
    """The record's status, its bullet's lines joined."""
    found = re.search(r"^- Status: (.+(?:\n  .+)*)", path.read_text(), re.M)
    assert found, f"{path.name}: no '- Status:' line"
    return " ".join(found.group(1).split())


def test_records_are_numbered_without_a_gap_and_each_is_in_the_index() -> None:
    records = _records()
    assert list(records) == [f"{n:04d}" for n in range(1, len(records) + 1)]
    rows = _rows()
    assert len(rows) == len(records)
    for path in records.values():
        assert sum(f"]({path.name})" in row for row in rows) == 1, f"{path.name}: in the index"


def test_each_record_says_why_what_and_when_to_undo_it() -> None:
    for path in _records().values():
        text = path.read_text()
        missing = [s for s in SECTIONS if f"\n{s}\n" not in text]
        assert not missing, f"{path.name} lacks {missing}"
        assert any(f"\n{e}\n" in text for e in ENDINGS), f"{path.name}: {ENDINGS}"
        assert _status(path).startswith(STATUSES), f"{path.name}: status one of {STATUSES}"


def test_the_index_gives_each_record_its_own_status() -> None:
    for path in _records().values():
        row = next(row for row in _rows() if f"]({path.name})" in row)
        listed = row.rsplit("|", 2)[1].strip()
        status = _status(path)
        kind = next(s for s in STATUSES if status.startswith(s))
        assert listed.startswith(kind), f"{path.name}: the index says {listed!r}, it {status!r}"


def test_a_superseded_record_names_the_one_that_supersedes_it() -> None:
    records = _records()
    for number, path in records.items():
        status = _status(path)
        if not status.startswith("superseded by"):
            continue
        later = re.match(r"superseded by \[(\d{4})\]", status)
        assert later and later.group(1) in records, f"{path.name}: by which record?"
        assert f"supersedes [{number}]" in _status(records[later.group(1)]), (
            f"{records[later.group(1)].name} should say it supersedes {number}")
