"""The credit's window (the administrator's months, docs/rules-that-are-ours.md) counts China
calendar months: at the China year's turn (16:00 UTC on 31 December) and at a month's end the
window starts on the China day, not on the UTC one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.clock import CHINA, months_before


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


# now (China time), months -> the window's first moment (China time)
GOLDEN = [
    ("2027-01-01 00:30", 36, "2024-01-01 00:30"),  # 16:30 UTC on 31 December 2026
    ("2026-12-31 23:59", 12, "2025-12-31 23:59"),
    ("2027-03-01 07:00", 1, "2027-02-01 07:00"),  # by UTC: 28 February 23:00 -> 29 January
    ("2027-03-31 10:00", 1, "2027-02-28 10:00"),  # the shorter month's last day
    ("2028-03-31 10:00", 1, "2028-02-29 10:00"),
    ("2027-01-31 08:00", 11, "2026-02-28 08:00"),
]


@pytest.mark.parametrize(("now", "months", "since"), GOLDEN)
def test_the_window_counts_china_months(now: str, months: int, since: str) -> None:
    assert months_before(at(now), months) == at(since)
    assert months_before(at(now).astimezone(UTC), months) == at(since)  # stored in UTC
