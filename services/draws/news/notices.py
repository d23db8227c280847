"""What an expert is told about where and when to gather (GD-DRAW): the notice an
invitation was sent under and the words of every invitation, reminder and urge, which never
name the project or the tenderer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tortoise.exceptions import DoesNotExist

from models.draws import Condition, Invitation, Notice
from models.orm.statements import columns, model_from, models_from, rows
from services.common.clock import china_time
from services.common.pii import public
from services.draws.facts.venue_roles import PAIRED_SQL, Venues, mark_role, mark_roles
from services.reference import Reference


class Notices:
    """Where and when an invitation's experts gather, and whom they ask."""

    @staticmethod
    async def notice_of(invitation: Invitation) -> Notice:
        """The notice (where and when to gather) an invitation was sent under, its role word
        set (主场 / 副场 when the activity has a 副场): one statement, where the condition,
        the notice and the 副场 were three (a check-in reads it, in its transaction)."""
        found = await rows(_NOTICE_OF.format(notice=columns(Notice, "n")),
                           invitation.condition_id)
        if not found:  # never deleted: an invitation's condition and notice stay
            raise DoesNotExist(Notice)
        notice = model_from(Notice, found[0], "n")
        assert notice is not None
        mark_role(notice, found[0]["q_paired"] is not None)
        return notice

    @staticmethod
    def venue_region(notice: Notice) -> str | None:
        """Where the venue is: the region code of the notice's city and district (a notice is
        refused unless the region list has them: services/draws/setup/activities.py), or of its
        city alone when a later list no longer knows the district."""
        places = Reference.regions()
        return places.resolve(f"{notice.city}{notice.district}") or places.resolve(notice.city)

    @staticmethod
    def notice_contact(notice: Notice) -> str:
        """The venue's contact as every invitation, reminder and page writes it: their phone is
        the venue's, not personal data, so it reaches the expert unmasked (a mobile too)."""
        return f"{notice.contact_name} {public(notice.contact_phone)}"

    @staticmethod
    def invitation_params(notice: Notice, invitation: Invitation, minutes: int) -> dict[str, str]:
        """What the invitation tells the expert: never the project or the tenderer; which
        venue, 主场 or 副场, when the activity has a 副场 (a notice from the loaders above)."""
        return {"gather_at": china_time(notice.gather_at), "venue": Venues.venue_label(notice),
                "venue_role": notice.role_word,
                "address": notice.address, "contact": Notices.notice_contact(notice),
                "notes": notice.notes or "无", "due": china_time(invitation.due_at),
                "minutes": str(minutes)}


async def notices_of(invitations: list[Invitation]) -> list[Notice]:
    """The notice of each invitation (role words set), in three queries however many
    there are."""
    if not invitations:
        return []
    conditions = {c.id: c.notice_id for c in await Condition.filter(
        id__in={i.condition_id for i in invitations})}
    notices = {n.id: n for n in await Notice.filter(id__in=set(conditions.values()))}
    await mark_roles(notices.values())
    return [notices[conditions[i.condition_id]] for i in invitations]


# an invitation's notice by its condition (the `?`), with whether its activity has a 副场
_NOTICE_OF = ("SELECT {notice}, " + PAIRED_SQL + " FROM draw_condition c "
              "JOIN draw_notice n ON n.id = c.notice_id WHERE c.id = ?")
_WITH_NOTICES = ("SELECT {invitation}, {notice}, " + PAIRED_SQL + " FROM draw_invitation v "
                 "JOIN draw_condition c ON c.id = v.condition_id "
                 "JOIN draw_notice n ON n.id = c.notice_id WHERE ")


async def _with_notices(where: str, *values: object) -> list[tuple[Invitation, Notice]]:
    found = await rows(_WITH_NOTICES.format(invitation=columns(Invitation, "v"),
                                            notice=columns(Notice, "n")) + where, *values)
    out = []
    for invitation, notice, row in zip(models_from(Invitation, found, "v"),
                                       models_from(Notice, found, "n"), found, strict=True):
        assert invitation is not None and notice is not None
        mark_role(notice, row["q_paired"] is not None)
        out.append((invitation, notice))
    return out


async def invitations_with_notices(person_id: int, since: datetime
                                   ) -> list[tuple[Invitation, Notice]]:
    """A person's invitations sent after `since`, newest first, each with its notice: one
    statement (the expert's invitation list, a hot read), the role words with it."""
    return await _with_notices("v.person_id = ? AND v.sent_at > ? ORDER BY v.id DESC",
                               person_id, since)


def answer_params(answer_link: Callable[[int], str] | None, invitation_id: int
                  ) -> dict[str, str]:
    """The invitation's answer page for a text: `link`, the whole address, and `link_token`,
    its last part alone (an SMS provider's template may not take an address as a variable:
    Tencent Cloud SMS refuses links in variables, so its approved text holds the fixed
    https://<host>/a/ and the variable only the token)."""
    if answer_link is None:
        return {"link": "", "link_token": ""}
    link = answer_link(invitation_id)
    return {"link": link, "link_token": link.rpartition("/")[2]}
