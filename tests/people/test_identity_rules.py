"""Identity rules: GB 11643, the age limit at its boundary, passwords, phone changes."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.clock import CHINA
from services.common.errors import BadInput, NotAllowed
from services.common.pii import ID_RE, PHONE_RE, mask_id, mask_phone, mask_text
from services.people.identity_rules import (
    IdentityRules,
    anniversary,
    hash_password,
    next_phone_change,
    require_strong_password,
    verify_password,
)
from tests.support.helpers import said


@pytest.mark.parametrize(("number", "born", "gender"), [
    ("11010519491231002X", date(1949, 12, 31), "F"),
    ("440524188001010014", date(1880, 1, 1), "M"),
])
def test_official_vectors(number: str, born: date, gender: str) -> None:
    parsed = IdentityRules.parse_id_number(number)
    assert (parsed.birth_date, parsed.gender) == (born, gender)
    # a lower-case x is accepted
    assert IdentityRules.parse_id_number(number.lower()).value == number


regions = st.sampled_from(["110105", "440524", "440106", "650102", "310115", "510104"])
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2005, 12, 31))
orders = st.integers(min_value=0, max_value=999)


def _make(region: str, born: date, order: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{order:03d}"
    return first17 + IdentityRules.id_check_character(first17)


@given(regions, births, orders)
def test_any_correctly_built_number_parses(region: str, born: date, order: int) -> None:
    parsed = IdentityRules.parse_id_number(_make(region, born, order))
    assert parsed.birth_date == born
    assert parsed.gender == ("M" if order % 2 else "F")


@given(regions, births, orders, st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_refused(region: str, born: date, order: int,
                                            wrong: str) -> None:
    good = _make(region, born, order)
    if wrong == good[-1]:
        return
    with pytest.raises(BadInput) as exc:
        IdentityRules.parse_id_number(good[:-1] + wrong)
    assert "校验位" in said(exc.value)


@given(regions, births, orders, st.integers(min_value=0, max_value=16),
       st.integers(min_value=1, max_value=9))
def test_a_single_changed_digit_never_passes(region: str, born: date, order: int, pos: int,
                                             delta: int) -> None:
    good = _make(region, born, order)
    changed = good[:pos] + str((int(good[pos]) + delta) % 10) + good[pos + 1:]
    with pytest.raises(BadInput):
        IdentityRules.parse_id_number(changed)


@pytest.mark.parametrize("bad", ["", "1101051949123100", "11010519491231002Y",
                                 "99010519491231002X", "110105194913310021", "11010520991231002X"])
def test_malformed_numbers_are_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(BadInput) as exc:
        IdentityRules.parse_id_number(bad)
    assert "身份证号码" in said(exc.value)


def test_age_limit_at_the_65th_birthday() -> None:
    born = date(1960, 6, 15)
    IdentityRules.require_applicant_age(born, date(2025, 6, 14))  # 64, the day before
    # the 65th birthday: not yet over 65
    IdentityRules.require_applicant_age(born, date(2025, 6, 15))
    with pytest.raises(NotAllowed) as exc:
        IdentityRules.require_applicant_age(born, date(2025, 6, 16))
    assert "超过65周岁" in said(exc.value)


def test_leap_day_birthday() -> None:
    assert anniversary(date(1960, 2, 29), 65) == date(2025, 2, 28)
    IdentityRules.require_applicant_age(date(1960, 2, 29), date(2025, 2, 28))
    with pytest.raises(NotAllowed):
        IdentityRules.require_applicant_age(date(1960, 2, 29), date(2025, 3, 1))


@pytest.mark.parametrize("password", ["short1A", "alllower123", "ALLUPPER123", "NoDigitsHere"])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(BadInput) as exc:
        require_strong_password(password)
    assert "大写字母、小写字母和数字" in said(exc.value)


async def test_password_hash_round_trip() -> None:
    stored = await hash_password("Abcdef123")
    assert stored.startswith("scrypt$") and "Abcdef123" not in stored
    assert await verify_password("Abcdef123", stored)
    assert not await verify_password("Abcdef124", stored)


async def test_a_hash_is_checked_at_the_cost_it_was_made_with() -> None:
    """The tests' cheap hashes say their cost; the default's keep the stored form they had
    (hashes already in a database still verify)."""
    cheap = await hash_password("Abcdef123", log_n=4)
    assert cheap.startswith("scrypt$4$") and await verify_password("Abcdef123", cheap)
    assert not await verify_password("Abcdef124", cheap)
    assert (await hash_password("Abcdef123")).count("$") == 2
    assert await verify_password("Abcdef123", "scrypt$SoUQ+MYt7wfZ0RGPC3nPqw==$"
                                 "vb0B/4MhCI4DKh0ol1sbhNkGbJpAra5C7Q/59Esx0/E=") is False


def test_a_cheap_password_cost_is_refused_outside_the_tests() -> None:
    from config.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="PASSWORD_SCRYPT_LOG_N"):
        Settings(EXPERTBOT_ENV="development", PASSWORD_SCRYPT_LOG_N=4)  # type: ignore[call-arg]
    assert Settings(EXPERTBOT_ENV="test", PASSWORD_SCRYPT_LOG_N=4).password_cost == 4  # type: ignore[call-arg]


async def test_hashing_leaves_the_event_loop_free() -> None:
    """Other users' messages keep being handled while a password is hashed: a task that
    wakes every millisecond keeps running during the scrypt work (a hash on the loop would
    block it for the whole tens of milliseconds)."""
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            await asyncio.sleep(0.001)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    stored = await hash_password("Abcdef123")
    during_hash = ticks
    await verify_password("Abcdef123", stored)
    stop.set()
    await task
    assert during_hash >= 3 and ticks > during_hash


# HN-APPLY: "手机号一年仅允许修改一次" — the last change (China time) -> the first moment the
# phone may change again: a year later by the China calendar, not 365 days
PHONE_YEAR = [
    ("2026-03-01 00:00", "2027-03-01 00:00"),
    ("2027-03-10 10:00", "2028-03-10 10:00"),  # across 29 February 2028: 366 days
    ("2028-02-29 09:00", "2029-02-28 09:00"),
    ("2026-12-31 23:30", "2027-12-31 23:30"),  # 15:30 UTC: still the China day
    ("2027-01-01 00:00", "2028-01-01 00:00"),  # 16:00 UTC on 31 December 2026
]


@pytest.mark.parametrize(("changed", "again"), PHONE_YEAR)
def test_phone_changes_once_a_year(changed: str, again: str) -> None:
    last = datetime.fromisoformat(changed).replace(tzinfo=CHINA)
    assert next_phone_change(None) is None
    assert next_phone_change(last) == datetime.fromisoformat(again).replace(tzinfo=CHINA)
    # stored in UTC, the same moment
    assert next_phone_change(last.astimezone(UTC)) == next_phone_change(last)


def test_masks() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id("11010519491231002X") == "110105********002X"
    text = "电话13812341234，身份证11010519491231002X，订单号202611210001234567890"
    masked = mask_text(text)
    assert masked == "电话138****1234，身份证110105********002X，订单号202611210001234567890"
    assert not PHONE_RE.search(masked) and not ID_RE.search(masked)
