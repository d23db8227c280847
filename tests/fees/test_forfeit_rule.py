"""No fee the law forbids (CK-198 Art. 25: "评审专家未完成评审工作擅自离开评审现场，或者在评审
活动中有违法违规行为的，不得获取劳务报酬和报销异地评审差旅费"; GPL-87 Art. 62 the same of its five
acts), as a golden table (forfeit_golden.txt): each ground (none, 早退, a conduct item, both) ×
the expert local or 异地 × a 政府采购 or a 招标投标 project × the dispute waiting or not ×
both standards' profiles over one and two days — the fee left, what was taken, and the words
every fee page shows. A 招标投标 project has no such source: its fee is not changed, the item
is said beside it (docs/rules-that-are-ours.md). Regenerate with EXPERTBOT_GOLDEN=write after
a deliberate change, and read the difference."""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from models.fees import FeeStandard
from services.common.clock import CHINA
from services.fees.forfeit import Grounds, forfeited
from services.fees.rule import Situation, compute
from services.fees.standards import PRESETS
from tests.support.helpers import TEXTS

GOLDEN = Path(__file__).with_name("forfeit_golden.txt")
GD = FeeStandard(**{k: v for k, v in asdict(PRESETS["gd2020"]).items()})
EXAMPLE = FeeStandard(name="示例标准", base_hours=3, base_fen=40_000, hour_fen=10_000,
                      part_hour_counts=True, daily_cap_fen=80_000, cancel_fen=20_000,
                      travel_fen=15_000, meal_fen=10_000, profile="hourly",
                      late_after_hours=0, late_hour_fen=0, next_day_hour_fen=0)
CONDUCT = ("私下接触投标人",)
GROUNDS = (("无", False, ()), ("早退", True, ()), ("违规", False, CONDUCT),
           ("早退+违规", True, CONDUCT))
SPANS = (("12-01 09:00", "12-01 15:00"), ("12-01 09:00", "12-02 12:00"))


def _at(text: str) -> datetime:
    return datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


def table() -> str:
    lines = []
    for standard in (EXAMPLE, GD):
        for start, end in SPANS:
            for away in (False, True):
                fee = compute(standard, _at(start), _at(end), Situation.SERVED, away)
                for kind in ("政府采购/货物", "工程建设项目招标投标/房屋建筑"):
                    for label, early, conduct in GROUNDS:
                        for disputed in (False, True):
                            if disputed and not (early or conduct):
                                continue
                            got = forfeited(fee, Grounds(early, conduct,
                                                         kind.startswith("政府采购"), disputed))
                            words = TEXTS.render("draw/fee_breakdown.j2", computed=got)
                            lines.append(" | ".join((
                                standard.profile, f"{start}~{end}", "异地" if away else "本地",
                                kind, label, "申诉中" if disputed else "-", _yuan(fee.total_fen),
                                _yuan(got.total_fen), _yuan(got.forfeited_fen), words.strip())))
    return "\n".join(lines) + "\n"


def test_every_fee_is_what_the_law_allows_as_the_golden_table_says() -> None:
    if os.environ.get("EXPERTBOT_GOLDEN") == "write":
        GOLDEN.write_text(table())
    assert table().splitlines() == GOLDEN.read_text().splitlines()


def test_the_articles_own_case() -> None:
    """An expert from another city who left before the work was done: neither the labour fee
    nor the travel allowance (CK-198 Art. 25); at a 招标投标 project, the fee as it was."""
    fee = compute(EXAMPLE, _at("12-01 09:00"), _at("12-01 15:00"), Situation.SERVED, True)
    assert fee.total_fen == 40_000 + 3 * 10_000 + 15_000 + 10_000
    got = forfeited(fee, Grounds(left_early=True))
    assert (got.total_fen, got.forfeited_fen) == (0, fee.total_fen)
    words = TEXTS.render("draw/fee_breakdown.j2", computed=got)
    assert "未完成评审工作擅自离开评审现场（早退）" in words and "不予支付 700.00元" in words
    assert "异地交通与餐费补助不予支付 250.00元" in words
    kept = forfeited(fee, Grounds(left_early=True, government=False))
    assert kept.total_fen == fee.total_fen and "无规定扣减" in TEXTS.render(
        "draw/fee_breakdown.j2", computed=kept)
    held = forfeited(fee, Grounds(conduct=CONDUCT, disputed=True))
    assert held.total_fen == 0 and "暂扣" in TEXTS.render("draw/fee_breakdown.j2",
                                                          computed=held)
    assert forfeited(fee, Grounds()) is fee  # late alone is no ground
