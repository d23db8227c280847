"""A remote evaluation's venues (FG-807: 远程异地评标 has a 主场 and one or more 副场; NDRC-26:
异地评标): each notice is the 主场 ("main", the default) or a 副场 ("secondary"); an activity
with a 副场 has exactly one 主场. Every text, page and sheet that names an expert's venue
says which one it is when the activity has a 副场 (`Notice.role_word`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from models import column
from models.draws import Notice
from services.common.errors import BadInput, Conflict
from services.common.texts import Texts

ROLES = ("main", "secondary")


class _Words:
    """主场 / 副场 as texts/words/venue_role.j2 writes them: the runtime hands its texts here
    at start (`use_texts`), so an edited file is read as every other text is."""

    texts: Texts | None = None

    def __getitem__(self, role: str) -> str:
        return self.texts.word("venue_role", role) if self.texts is not None else role


WORDS = _Words()


class Venues:
    """A remote evaluation's venues: 主场 and 副场, their words."""

    @staticmethod
    def use_texts(texts: Texts) -> None:
        """The texts the venues' role words are read from (the runtime's, at its start)."""
        WORDS.texts = texts

    @staticmethod
    async def remote_venues(activity_id: int) -> list[Notice]:
        """The 主场 and 副场 of a remote evaluation, the 主场 first, role words set; none for
        an activity without a 副场 (one poster, the earliest gathering's)."""
        notices = await Notice.filter(activity_id=activity_id).order_by("id")
        if not any(n.role == "secondary" for n in notices):
            return []
        await mark_roles(notices)
        return sorted(notices, key=lambda n: (n.role != "main", n.id))

    @staticmethod
    def venue_label(notice: Notice) -> str:
        """The venue's name as an expert reads it: 韶关市公共资源交易中心（副场）."""
        return f"{notice.venue}（{notice.role_word}）" if notice.role_word else notice.venue


# in a statement that reads a notice as `n`: whether its activity has a 副场 (its id, or NULL),
# so that a hot read sets the role words without a statement of its own
PAIRED_SQL = ("(SELECT MIN(r.id) FROM draw_notice r WHERE r.activity_id = n.activity_id "
              "AND r.role = 'secondary') AS q_paired")


def mark_role(notice: Notice, paired: bool) -> None:
    """Sets a notice's `role_word` knowing whether its activity has a 副场."""
    notice.role_word = WORDS[notice.role] if paired or notice.role == "secondary" else ""


async def mark_roles(notices: Iterable[Notice]) -> None:
    """Sets each notice's `role_word`: "主场" / "副场" when its activity has a 副场, else ""
    (one query for the 主场s' activities, none when every notice is a 副场)."""
    listed = list(notices)
    mains = {n.activity_id for n in listed if n.role != "secondary"}
    paired = set(await column(Notice.filter(activity_id__in=mains, role="secondary"),
                              "activity_id")) if mains else set()
    for notice in listed:
        secondary = notice.role == "secondary"
        notice.role_word = WORDS[notice.role] if secondary or notice.activity_id in paired \
            else ""


def role_of(values: dict[str, Any]) -> str:
    """The role a notice's input asks for, checked ("main" unless said)."""
    role = values.get("role") or "main"
    if role not in ROLES:
        raise BadInput("notice.role")
    return str(role)


async def require_roles(activity_id: int, notice_id: int | None, role: str | None) -> None:
    """Refuses what would leave the activity with a 副场 and not exactly one 主场: the
    notice `notice_id` (None: a new one) given `role` (None: deleted)."""
    others = await column(Notice.filter(activity_id=activity_id).exclude(id=notice_id or 0),
                          "role")
    roles = [*others, *([role] if role else [])]
    if "secondary" not in roles:
        return
    mains = roles.count("main")
    if mains == 0:
        raise Conflict("notice.secondary_without_main")
    if mains > 1:
        raise Conflict("notice.two_mains")
