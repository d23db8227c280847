"""What each kind of user can say in chat: one table, read by 帮助 (the sections of the
sender's own roles, then those of everyone) and by the fallback (handlers/fallback.py: the
commands closest to what was sent, among those of the sender's roles). The words of each
section's title and each command's description are in texts/chat/_commands.j2."""

from __future__ import annotations

from models.people import Role

EVERYONE, VISITOR, BOUND = "everyone", "visitor", "bound"
# audience -> its commands, in the order help lists them; the titles are in chat/help.j2
AUDIENCES: dict[str, tuple[str, ...]] = {
    EVERYONE: ("帮助", "菜单", "取消", "反馈", "人工客服", "怎么申请", "报名咨询", "劳务费标准"),
    VISITOR: ("绑定",),
    BOUND: ("我的信息", "个人信息", "解绑"),
    Role.APPLICANT: ("审核进度", "考试资料", "考试", "考试成绩", "缴费", "缴费记录", "培训",
                     "退费"),
    Role.EXPERT: ("我的邀请", "请假", "我的劳务费", "抽取池", "我的履职记录", "我的信用",
                  "年度履职", "缴费", "缴费记录", "考试成绩"),
    Role.AGENCY_HANDLER: ("抽取进度", "到场情况"),
    Role.AGENCY_LEGAL: ("抽取进度", "到场情况"),
    Role.REVIEWER: ("待审核", "待办"),
    Role.VERIFIER: ("待核验", "待办"),
    Role.ADMIN: ("待办",),
}
HELP_SECTIONS = (EVERYONE, VISITOR, BOUND, Role.APPLICANT, Role.EXPERT, Role.AGENCY_HANDLER,
                 Role.REVIEWER, Role.VERIFIER, Role.ADMIN)
HELP = tuple((a, AUDIENCES[a]) for a in HELP_SECTIONS)  # every section (the texts' samples)


def help_for(bound: bool, roles: set[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What 帮助 tells this sender: the sections of their own roles (an agency's legal person
    reads the agency's), then 已绑定 or 首次使用, then 所有人; each command once, where it
    first appears."""
    own = [a for a in HELP_SECTIONS if a in roles
           or (a == Role.AGENCY_HANDLER and Role.AGENCY_LEGAL in roles)]
    seen: set[str] = set()
    sections = []
    for audience in [*own, BOUND if bound else VISITOR, EVERYONE]:
        commands = tuple(c for c in AUDIENCES[audience] if c not in seen)
        seen |= set(commands)
        if commands:
            sections.append((audience, commands))
    return tuple(sections)


def audiences_of(bound: bool, roles: set[str]) -> list[str]:
    """The audiences a sender belongs to, the role-specific ones first."""
    own = [a for a in AUDIENCES if a in roles]
    return [*own, BOUND if bound else VISITOR, EVERYONE]


