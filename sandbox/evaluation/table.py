"""A plausible score table for the fake evaluation system to post: three made-up bidders
(names and unified social credit codes), four criteria of a construction tender's
comprehensive evaluation (two subjective, two objective, 100 points in all), an honest
committee whose subjective scores differ by half a point at most from each other's middle
and whose objective scores are identical, and one deviating expert: eight points above the
committee on the first subjective criterion for the first bidder (26.7 % of that criterion's
maximum and 8 % of the total, past the library's default 5 %), so that the library proposes
that expert and nobody else."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from services.demo_codes import demo_credit_code

BIDDER_NAMES = ("广州沙箱建设工程有限公司", "佛山沙箱建筑集团有限公司", "广东沙箱路桥建设有限公司")
# (code, name, maximum, kind): 综合评估法 as a construction tender writes it
CRITERIA = (("C1", "技术方案", 30, "subjective"), ("C2", "施工组织设计", 25, "subjective"),
            ("C3", "投标报价", 35, "objective"), ("C4", "企业业绩及信誉", 10, "objective"))
LIFT = Decimal(8)  # what the deviating expert adds on C1 for the first bidder
HALF = Decimal("0.5")


def bidders() -> list[dict[str, str]]:
    """Three bidders: made-up names, credit codes that check."""
    return [{"key": demo_credit_code(9000 + n), "name": name}
            for n, name in enumerate(BIDDER_NAMES)]


def _base(rng: random.Random, maximum: int) -> Decimal:
    """A bidder's middle score on a criterion: between 60 % and 70 % of its maximum, in
    half points (the deviating expert's lift stays within the maximum)."""
    return Decimal(rng.randint(int(maximum * 1.2), int(maximum * 1.4))) * HALF


def score_table(activity_id: int, experts: list[str], declared: list[dict[str, str]]
                ) -> tuple[dict[str, Any], str]:
    """The table (docs/evaluation-systems.md, "Posting") the committee's serving members
    (their verification codes) gave, and the code of the one who deviates ("" for a
    committee too small to tell: the library proposes nothing below three)."""
    rng = random.Random(activity_id)  # the same evaluation, the same table
    odd = rng.choice(experts) if len(experts) >= 3 else ""
    bases = {(b["key"], c[0]): _base(rng, c[2]) for b in declared for c in CRITERIA}
    scores = []
    for expert in experts:
        for n, bidder in enumerate(declared):
            for code, _, maximum, kind in CRITERIA:
                value = bases[(bidder["key"], code)]
                if kind == "subjective":  # honest: within half a point of the middle
                    value += HALF * rng.choice((-1, 0, 1))
                if expert == odd and n == 0 and code == "C1":
                    value = bases[(bidder["key"], code)] + LIFT
                value = min(max(value, Decimal(0)), Decimal(maximum))
                scores.append({"expert": expert, "bidder": bidder["key"], "criterion": code,
                               "value": float(value)})
    return {"table_id": f"SBX-{activity_id}",
            "criteria": [{"code": c, "name": name, "max": maximum, "kind": kind}
                         for c, name, maximum, kind in CRITERIA],
            "scores": scores}, odd
