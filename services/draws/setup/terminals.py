"""选择提交终端 (GD-DRAW: "填报抽取申请至省交易中心抽取终端进行核验…选择提交终端 广东省公共资源
交易中心"): the trading centres a request may go to are those that cover the project — its
province's and its city's — among them those a verifier serves (a verifier of a region
serves the centres of that region and below it; one without a region, every centre), so no
request waits at a terminal nobody staffs. The centre is kept on the activity by the code of
the region it serves; its verifiers decide it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.draws import DrawActivity, Project
from models.people import Role, RoleGrant
from services.common.errors import BadInput
from services.common.texts import Texts
from services.reference import Reference

# a level of the region list that is no place of its own (it has no centre)
NOT_A_PLACE = frozenset({"县", "市辖区", "省直辖县", "省直辖县级行政区划",
                         "自治区直辖县级行政区划"})


@dataclass(frozen=True)
class Terminal:
    region: str  # the code of the region the centre serves: 44, 4401
    name: str  # 广东省公共资源交易中心


class Terminals:
    """The trading centres (选择提交终端) that verify a project's draws."""

    @staticmethod
    def terminal_name(texts: Texts, region: str) -> str:
        """The centre serving a province or a city, by name (texts/draw/terminal.j2)."""
        return texts.render("draw/terminal.j2", place=Reference.regions().name(region))

    @staticmethod
    async def offered(texts: Texts, project: Project, now: datetime) -> list[Terminal]:
        """The centres a request for this project may go to: covering it, and staffed."""
        verifiers = [g for g in await RoleGrant.filter(role=Role.VERIFIER, revoked_at=None)
                     if g.active(now)]
        return [t for t in covering(texts, project.region)
                if any(serves(g.region, t.region) for g in verifiers)]

    @staticmethod
    async def chosen_terminal(texts: Texts, activity: DrawActivity, asked: str | None,
                              now: datetime) -> str:
        """The centre a submission goes to: the one asked for, if offered; none asked, the one
        chosen before, else the most local offered; "" when none is staffed (the project's
        region then decides, as before terminals were chosen)."""
        project = await Project.get(id=activity.project_id)
        choices = await Terminals.offered(texts, project, now)
        codes = [t.region for t in choices]
        if asked:
            if asked not in codes:
                raise BadInput("draw.terminal_not_offered",
                               offered="、".join(t.name for t in choices))
            return asked
        if activity.terminal in codes:
            return activity.terminal
        return codes[-1] if codes else ""


def covering(texts: Texts, project_region: str) -> list[Terminal]:
    """The centres of the project's province and city (the province's first)."""
    places = Reference.regions()
    found = []
    for code in (project_region[:2], project_region[:4]):
        if len(code) <= len(project_region) and places.known(code) and \
                places.name(code) not in NOT_A_PLACE:
            found.append(Terminal(code, Terminals.terminal_name(texts, code)))
    return found


def serves(region: str | None, terminal: str) -> bool:
    """Whether a verifier of `region` (None: every region) serves this centre."""
    return not region or terminal.startswith(region)
