"""What each kind of user can say in chat: one table, read by 帮助 (every section) and by
the fallback (handlers/fallback.py: the commands closest to what was sent, among those of
the sender's roles). The words of each section's title and each command's description are
in texts/chat/_commands.j2."""

from __future__ import annotations

from models.people import Role

EVERYONE, VISITOR, BOUND = "everyone", "visitor", "bound"
# audience -> its commands, in the order help lists them; the titles are in chat/help.j2
AUDIENCES: dict[str, tuple[str, ...]] = {
    EVERYONE: ("帮助", "菜单", "取消", "反馈", "怎么申请", "报名咨询"),
    VISITOR: ("绑定",),
    BOUND: ("我的信息", "解绑"),
    Role.APPLICANT: ("审核进度", "考试资料", "考试", "考试成绩", "缴费", "缴费记录", "培训",
                     "退费"),
    Role.EXPERT: ("我的邀请", "请假", "抽取池", "我的履职记录", "我的信用", "缴费", "缴费记录",
                  "考试成绩"),
    Role.AGENCY_HANDLER: ("抽取进度", "到场情况"),
    Role.AGENCY_LEGAL: ("抽取进度", "到场情况"),
    Role.REVIEWER: ("待审核", "待办"),
    Role.VERIFIER: ("待核验", "待办"),
    Role.ADMIN: ("待办",),
}
HELP_SECTIONS = (EVERYONE, VISITOR, BOUND, Role.APPLICANT, Role.EXPERT, Role.AGENCY_HANDLER,
                 Role.REVIEWER, Role.VERIFIER, Role.ADMIN)
HELP = tuple((a, AUDIENCES[a]) for a in HELP_SECTIONS)  # what 帮助 renders


def audiences_of(bound: bool, roles: set[str]) -> list[str]:
    """The audiences a sender belongs to, the role-specific ones first."""
    own = [a for a in AUDIENCES if a in roles]
    return [*own, BOUND if bound else VISITOR, EVERYONE]


