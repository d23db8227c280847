"""Time in China: the service stores UTC and speaks Beijing time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_today(now: datetime) -> date:
    return now.astimezone(CHINA).date()


def china_time(moment: datetime) -> str:
    """2026年11月21日 14:30"""
    return f"{moment.astimezone(CHINA):%Y年%m月%d日 %H:%M}"
