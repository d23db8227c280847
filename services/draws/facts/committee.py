"""Who may sit on the committee (评标委员会 / 评审小组) the experts are drawn for: its lawful
sizes and the experts' share, by the project's kind and its procurement method.

- 招标投标 (TBL-37): "成员人数为五人以上单数，其中技术、经济等方面的专家不得少于成员总数的
  三分之二".
- 政府采购 by 招标 of 货物 / 服务 (GPL-87 Art. 47): 5 or more, odd, experts at least ⅔; 7 or more
  in the cases the article lists (预算1000万元以上, 技术复杂, 社会影响较大), ticked by the agency.
- 政府采购 by 竞争性谈判 / 询价 (GPL-74 Art. 7): 3 or more, odd, experts at least ⅔; 5 or more
  for a project at the 公开招标 threshold (ticked by the agency).
- 政府采购 by 竞争性磋商 (CK-214 Art. 14): 3 or more, odd, experts at least ⅔.

Where no source speaks (a 政府采购 工程 tendered, 其他交易项目) the choice is ours
(docs/rules-that-are-ours.md). The experts drawn are the committee less the representatives
(GD-DRAW: "如评标委员会由5人组成，省专家库中抽取专家4人，则所需专家人数填4人")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models import column
from models.draws import Condition, DrawActivity, Project
from models.federated_draws import PeerAsk
from services.common.errors import BadInput
from services.common.texts import Texts

GOVERNMENT = "政府采购"  # the project kind's category (services/draws/setup/form_options.py)
NEGOTIATIONS = ("竞争性谈判", "询价")
CONSULTATION = "竞争性磋商"
# the cases an agency ticks that raise the least size (GPL-87 Art. 47, GPL-74 Art. 7)
# (their words: texts/draw/committee_case.j2)
CASES = ("budget", "complex", "impact", "threshold")
LARGE_CASES = {"tender": ("budget", "complex", "impact"), "negotiation": ("threshold",)}
MEMBERS_MAX = 99  # as the number drawn was before (拟抽取人数 1–99)


@dataclass(frozen=True)
class Rule:
    """One law's committee: its name, the least size (odd), the least raised by a ticked case,
    and the article the refusal names."""

    key: str  # tbl / gpl87 / gpl74 / ck214
    body: str  # 评标委员会 / 谈判小组 / 询价小组 / 磋商小组
    side: str  # 招标人 / 采购人 (whose representatives sit)
    least: int
    least_large: int
    cases: tuple[str, ...]  # the CASES keys this rule knows
    article: str

    def least_for(self, cases: list[str]) -> int:
        """The least size, raised when a case this rule knows is ticked."""
        return self.least_large if set(cases) & set(self.cases) else self.least


TBL = Rule("tbl", "评标委员会", "招标人", 5, 5, (), "招标投标法第三十七条")
GPL87 = Rule("gpl87", "评标委员会", "采购人", 5, 7, LARGE_CASES["tender"],
             "政府采购货物和服务招标投标管理办法第四十七条")
CK214 = Rule("ck214", "磋商小组", "采购人", 3, 3, (),
             "政府采购竞争性磋商采购方式管理暂行办法第十四条")


def gpl74(method: str) -> Rule:
    """The 谈判小组 or 询价小组 of GPL-74 Art. 7."""
    body = "谈判小组" if method == "竞争性谈判" else "询价小组"
    return Rule("gpl74", body, "采购人", 3, 5, LARGE_CASES["negotiation"],
                "政府采购非招标采购方式管理办法第七条")


COLUMNS = ("committee_size", "representatives", "committee_cases")


@dataclass(frozen=True)
class Composition:
    """A committee as recorded: its size, the representatives, the cases ticked."""

    size: int
    representatives: int
    cases: tuple[str, ...] = ()

    @property
    def experts(self) -> int:
        """The experts to draw: the committee less the representatives (GD-DRAW)."""
        return self.size - self.representatives


def _lawful_sizes(least: int) -> str:
    """The first lawful sizes, as a refusal proposes them: "5、7、9"."""
    return "、".join(str(n) for n in range(least, least + 5, 2))


class Committees:
    """The rule of a project's committee, a committee checked against it, and its words."""

    @staticmethod
    def rule_for(project_kind: str, method: str) -> Rule:
        """The rule of a project of this kind ("政府采购/货物") procured by this method."""
        category, _, kind = project_kind.partition("/")
        if category == GOVERNMENT:
            if method in NEGOTIATIONS:
                return gpl74(method)
            if method == CONSULTATION:
                return CK214
            # 87号令 rules 货物 and 服务; a 政府采购 工程 tendered follows 招标投标法 (ours)
            return TBL if kind == "工程" else GPL87
        # 招标投标 (and 其他交易项目, ours): a negotiation outside 政府采购 is held like GPL-74's
        return gpl74(method) if method in NEGOTIATIONS else (
            CK214 if method == CONSULTATION else TBL)

    @staticmethod
    def experts_least(size: int) -> int:
        """The fewest experts of a committee of `size`: two thirds, rounded up."""
        return -(-2 * size // 3)

    @staticmethod
    def parse_cases(cases: list[str] | None) -> tuple[str, ...]:
        """The ticked cases, each one of CASES."""
        found = tuple(dict.fromkeys(cases or ()))
        if unknown := [c for c in found if c not in CASES]:
            raise BadInput("committee.case", case="、".join(unknown), allowed=list(CASES))
        return found

    @staticmethod
    def check(rule: Rule, composition: Composition) -> None:
        """Refused, naming the article, unless the committee is one the law allows."""
        size, reps = composition.size, composition.representatives
        least = rule.least_for(list(composition.cases))
        raised = [c for c in composition.cases if c in rule.cases]
        if size < least or size % 2 == 0 or size > MEMBERS_MAX:
            raise BadInput("committee.size", body=rule.body, least=least, article=rule.article,
                           size=size, cases=raised, lawful=_lawful_sizes(least))
        if reps < 0 or reps >= size:
            raise BadInput("committee.representatives", body=rule.body, side=rule.side,
                           size=size, representatives=reps, most=size - 1)
        if composition.experts < Committees.experts_least(size):
            raise BadInput("committee.share", body=rule.body, side=rule.side, size=size,
                           article=rule.article, experts=composition.experts,
                           least=Committees.experts_least(size),
                           most=size - Committees.experts_least(size))

    @staticmethod
    def described(rule: Rule, composition: Composition, drawn_here: int | None = None
                  ) -> dict[str, object]:
        """The committee's values for its words (texts/draw/committee.j2: "评标委员会 5 人：招标人
        代表 1 人，专家 4 人（本库抽取 4 人）")."""
        return {"body": rule.body, "side": rule.side, "size": composition.size,
                "representatives": composition.representatives, "experts": composition.experts,
                "here": composition.experts if drawn_here is None else drawn_here}

    @staticmethod
    def composition_of(activity: DrawActivity) -> Composition | None:
        """The committee an activity recorded; None for one made before it was recorded."""
        if activity.committee_size is None or activity.representatives is None:
            return None
        return Composition(activity.committee_size, activity.representatives,
                           tuple(activity.committee_cases or ()))

    @staticmethod
    def settle(project: Project, values: dict[str, Any]) -> dict[str, Any]:
        """An activity's fields with its committee checked (refused, naming the article, unless
        the law allows it) and the experts needed put as the committee less the representatives
        (a `total` given must equal it). Without a committee the `total` stands alone."""
        size, reps = values.get("committee_size"), values.get("representatives")
        if size is None and reps is None:
            if not values.get("total"):
                raise BadInput("committee.incomplete")
            return {**values, "committee_cases": None}
        if size is None or reps is None:
            raise BadInput("committee.incomplete")
        composition = Composition(size, reps,
                                  Committees.parse_cases(values.get("committee_cases")))
        Committees.check(Committees.rule_for(project.kind, project.tender_method), composition)
        total = values.get("total")
        if total is not None and total != composition.experts:
            raise BadInput("committee.total", size=size, representatives=reps,
                           experts=composition.experts, total=total)
        return {**values, "total": composition.experts,
                "committee_cases": list(composition.cases)}

    @staticmethod
    async def require_lawful(activity: DrawActivity) -> None:
        """A recorded committee the law allows (at a submission, an approval, a 重新抽取); one
        not recorded is not refused (docs/rules-that-are-ours.md)."""
        if (composition := Committees.composition_of(activity)) is None:
            return
        project = await Project.get(id=activity.project_id)
        Committees.check(Committees.rule_for(project.kind, project.tender_method), composition)
        if activity.total != composition.experts:
            raise BadInput("committee.total", size=composition.size,
                           representatives=composition.representatives,
                           experts=composition.experts, total=activity.total)

    @staticmethod
    async def of(activity: DrawActivity) -> tuple[DrawActivity, Composition | None]:
        """The activity whose committee this one fills (a 补抽's evaluation; itself
        otherwise) and that committee."""
        if activity.kind == "supplement" and activity.parent_id is not None:
            activity = await DrawActivity.get(id=activity.parent_id)
        return activity, Committees.composition_of(activity)

    @staticmethod
    async def drawn_here(activity: DrawActivity) -> int:
        """The experts this library draws: the activity's, less those of the conditions
        another library draws (FG-807 副场; docs/federation.md)."""
        asked = await column(PeerAsk.filter(activity_id=activity.id), "condition_id")
        lent = await column(Condition.filter(id__in=asked), "planned") if asked else []
        return int(activity.total - sum(lent))

    @staticmethod
    async def values(activity: DrawActivity, project: Project | None = None
                     ) -> dict[str, object] | None:
        """The committee's values for its words (texts/draw/committee.j2); None when it
        was not recorded."""
        evaluation, composition = await Committees.of(activity)
        if composition is None:
            return None
        project = project or await Project.get(id=activity.project_id)
        return Committees.described(Committees.rule_for(project.kind, project.tender_method),
                                    composition, await Committees.drawn_here(evaluation))

    @staticmethod
    async def words(texts: Texts, activity: DrawActivity, project: Project | None = None) -> str:
        """The committee in words, as the verifier, the agency and the printed record read it
        (texts/draw/committee.j2); one not recorded says so."""
        described = await Committees.values(activity, project)
        if described is None:
            return texts.render("draw/committee_none.j2", total=activity.total)
        return texts.render("draw/committee.j2", **described)
