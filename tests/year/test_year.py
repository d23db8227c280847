"""A year on a clock the service does not control (tests/support/year/): the real service
walked month by month, its scheduled jobs run at their China times on the moved clock, and
every invariant checked at each month's end — money to the fen in the ledger, the 扣缴申报 and
the statistics; no 政府采购 draw before its legal moment (CK-198 Art. 14); no deadline counted
on a holiday; nothing personal kept past its period; no job left behind. Here the short year
crosses 31 December into 春节 (December to February); `python -m bench.year` walks twelve
months and prints the table."""

from __future__ import annotations

import os
from datetime import date

import pytest
from aiohttp.test_utils import TestClient

from config.settings import Settings
from sandbox.pay.gateway import PayGateway
from tests.support.api import Api
from tests.support.clock import MovedClock
from tests.support.wechat import Chat
from tests.support.year.walk import table, walk
from tests.support.year.world import Year

FIRST = date(2026, 12, 1)
SHORT = 3  # December to February: the year's end, 元旦 and 春节
MONTHS = int(os.environ.get("EXPERTBOT_YEAR_MONTHS", SHORT))  # bench/year.py sets 12
DAILY = os.environ.get("EXPERTBOT_YEAR_DAILY") == "1"  # a draw every working day besides
WITHOUT_2027 = os.environ.get("EXPERTBOT_YEAR_CALENDAR") == "missing"  # never entered
RETENTION_DAYS = 45  # a period that ends within the walk (the deployment's is 15 years)
LOG_DAYS = 183  # the shortest the settings allow (the deployment's is a year)

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The year's periods; no worker in the process: the year runs every job itself, on its
    clock, at the times the worker's schedule runs them (tests/support/year/cron.py)."""
    return settings.model_copy(update={"retention_days": RETENTION_DAYS,
                                       "log_retention_days": LOG_DAYS, "run_worker": False})


async def test_a_year_on_a_moved_clock_breaks_nothing(
        api: Api, chat: Chat, client: TestClient, demo: dict, clock: MovedClock,
        pay_gateway: PayGateway) -> None:
    year = Year(api, chat, client, clock, pay_gateway, demo)
    pay_gateway.bill_clock = pay_gateway.clock = clock.now
    months = await walk(year, FIRST, MONTHS, (RETENTION_DAYS, LOG_DAYS),
                        load_2027=not WITHOUT_2027, daily=DAILY)
    printed = table(months)
    print(printed)  # bench/year.py shows it
    assert all(not m.broke for m in months), printed
