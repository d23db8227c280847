"""Who may sit on the committee, as a golden table: each procurement kind and method (with
the 87号令 / 74号令 cases ticked where they raise the least size) × committees of 3, 4, 5, 6,
7 and 9 × 0 to 3 representatives — lawful, in the words the verifier reads, or refused in the
exact words the agency reads, naming the article (committee_golden.txt). Regenerate with
EXPERTBOT_GOLDEN=write after a deliberate change, and read the difference."""

from __future__ import annotations

import os
from pathlib import Path

from services.common.errors import BadInput
from services.draws.facts import Committees, Composition
from tests.support.helpers import TEXTS

GOLDEN = Path(__file__).with_name("committee_golden.txt")
KINDS = (  # project kind, method, cases ticked
    ("工程建设项目招标投标/房屋建筑", "公开招标", ()),
    ("政府采购/货物", "公开招标", ()),
    ("政府采购/服务", "公开招标", ("complex",)),
    ("政府采购/货物", "竞争性谈判", ()),
    ("政府采购/服务", "询价", ("threshold",)),
    ("政府采购/服务", "竞争性磋商", ()),
    ("政府采购/工程", "邀请招标", ()),
)
SIZES, REPRESENTATIVES = (3, 4, 5, 6, 7, 9), (0, 1, 2, 3)


def outcome(kind: str, method: str, cases: tuple[str, ...], size: int, reps: int) -> str:
    rule = Committees.rule_for(kind, method)
    composition = Composition(size, reps, cases)
    try:
        Committees.check(rule, composition)
    except BadInput as refused:
        return "refused: " + TEXTS.error(refused)
    return "lawful: " + TEXTS.render("draw/committee.j2",
                                     **Committees.described(rule, composition))


def table() -> str:
    return "".join(
        f"{kind} | {method} | {','.join(cases) or '-'} | {size} | {reps} | "
        f"{outcome(kind, method, cases, size, reps)}\n"
        for kind, method, cases in KINDS for size in SIZES for reps in REPRESENTATIVES)


def test_every_committee_is_lawful_or_refused_as_the_golden_table_says() -> None:
    if os.environ.get("EXPERTBOT_GOLDEN") == "write":
        GOLDEN.write_text(table())
    expected = GOLDEN.read_text().splitlines()
    assert len(expected) == len(KINDS) * len(SIZES) * len(REPRESENTATIVES) == 168
    assert table().splitlines() == expected


def test_the_articles_own_examples() -> None:
    """TBL-37's 5 with 1 representative; 87号令's 技术复杂 needing 7; GD-DRAW's 5 less 1."""
    tbl = Committees.rule_for("工程建设项目招标投标/市政", "公开招标")
    Committees.check(tbl, Composition(5, 1))
    assert Composition(5, 1).experts == 4  # "评标委员会由5人组成…抽取专家4人"
    assert outcome("政府采购/货物", "公开招标", ("budget",), 5, 1).startswith(
        "refused: 评标委员会成员人数应为七人以上单数（政府采购货物和服务招标投标管理办法"
        "第四十七条，本项目采购预算金额在1000万元以上）")
    # a case the method does not know raises nothing: 磋商 stays at three
    assert outcome("政府采购/服务", "竞争性磋商", ("budget",), 3, 1).startswith("lawful")
