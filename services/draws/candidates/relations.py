"""Declared relations at the draw (models.experts.ExpertRelative):
- an expert whose declared relative holds a post at a unit the activity avoids (the bidders,
  the tenderer) or is a person it avoids (a bidder's legal representative by ID number) is
  passed over: "relative:<relative record id>" (CK-198 Art. 16 (二), GPL-REG Art. 9 (四));
- two related experts never sit in one committee (the evaluation and its 补抽, or a 复评):
  the second in the order is passed over, "related:<the first's invitation id>"; where both
  are confirmed already (a relation declared after both accepted), the release is held for
  the administrator (kin_release.py).
Either one declaring the other (by the keyed hash of the ID number) makes two experts
related."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus
from models.experts import ExpertProfile, ExpertRelative
from models.people import Person
from services.draws.candidates.skip_reasons import for_record
from services.draws.facts.family import Family

LIVE = (InvitationStatus.SENT, InvitationStatus.CONFIRMED)
# for an invitation `v` of an activity `a` (a reply's read, services/draws/running/
# replies.py): the first invitation confirmed for the same evaluation (the activity or its
# 补抽) whose expert is related to v's, either one having declared the other. It reads what
# it needs through indexes only: v's expert's relations both ways (usually none), then
# their invitations in the evaluation's activities (the original by its id, its 补抽 by
# their `parent_id`), the status tested in the aggregate (never the status index): the read
# costs the relations and the committee, not every activity or invitation of the library.
_ROOT = "CASE WHEN a.kind = 'supplement' THEN a.parent_id ELSE a.id END"
KIN_SQL = (
    f"SELECT MIN(CASE WHEN k.status = '{InvitationStatus.CONFIRMED.value}' THEN k.id END) "
    "FROM draw_activity ka JOIN draw_invitation k ON k.activity_id = ka.id "
    f"WHERE ((ka.kind <> 'supplement' AND ka.id = {_ROOT}) OR (ka.kind = 'supplement' "
    f"AND ka.parent_id = {_ROOT})) AND k.expert_id <> v.expert_id AND k.expert_id IN ("
    # the experts v's expert declared (by the keyed hash of their ID number)
    "SELECT kp.id FROM expert_relative r JOIN person kq ON kq.id_number_hash = r.id_hash "
    "JOIN expert_profile kp ON kp.person_id = kq.id WHERE r.withdrawn_at IS NULL "
    "AND r.expert_id = v.expert_id UNION "
    # the experts who declared v's expert
    "SELECT r.expert_id FROM expert_relative r JOIN expert_profile mp ON mp.id = v.expert_id "
    "JOIN person mq ON mq.id = mp.person_id WHERE r.withdrawn_at IS NULL "
    "AND r.id_hash = mq.id_number_hash)")
OVER = (DrawStatus.WITHDRAWN, DrawStatus.CANCELLED)


async def relative_at(expert_ids: list[int], codes: set[str], names: set[str],
                      hashes: set[str]) -> dict[int, int]:
    """Expert -> the first declared relative who is an avoided person or holds a post at
    an avoided unit."""
    out: dict[int, int] = {}
    for row in await ExpertRelative.filter(expert_id__in=expert_ids,
                                           withdrawn_at=None).order_by("id"):
        if meets(row, codes, names, hashes):
            out.setdefault(row.expert_id, row.id)
    return out


def meets(row: ExpertRelative, codes: set[str], names: set[str], hashes: set[str]) -> bool:
    """The relative is a person the activity avoids, or holds a post at a unit it avoids."""
    return row.id_hash in hashes or bool(row.post and (
        (row.credit_code and row.credit_code in codes) or row.unit_name in names))


async def kin(expert_ids: Iterable[int], ever: bool = False) -> dict[int, set[int]]:
    """Among these experts, who is related to whom (either one declared the other; `ever`:
    by a declaration withdrawn since too, as the audit of an earlier skip reads it)."""
    ids = list(set(expert_ids))
    if len(ids) < 2:
        return {}
    person_of = dict(await ExpertProfile.filter(id__in=ids).values_list("id", "person_id"))
    hash_of = dict(await Person.filter(id__in=list(person_of.values())).values_list(
        "id", "id_number_hash"))
    expert_by_hash = {hash_of[p]: e for e, p in person_of.items() if p in hash_of}
    out: dict[int, set[int]] = defaultdict(set)
    rows = ExpertRelative.filter(expert_id__in=ids, id_hash__in=list(expert_by_hash))
    for declarer, declared in await (rows if ever else rows.filter(withdrawn_at=None)
                                     ).values_list("expert_id", "id_hash"):
        other = expert_by_hash[declared]
        if other != declarer:
            out[declarer].add(other)
            out[other].add(declarer)
    return dict(out)


class Committee:
    """Who sits, or is invited to sit, in one evaluation's committee as a draw goes on: the
    wave asks before each invitation whether the candidate is related to one of them."""

    def __init__(self, seated: dict[int, int]) -> None:
        self.seated = seated  # expert id -> their invitation id
        self.related: dict[int, set[int]] = {}

    @classmethod
    async def of(cls, activity: DrawActivity) -> Committee:
        rows = await Invitation.filter(activity_id__in=await Family.family(activity),
                                       status__in=list(LIVE)).values_list("expert_id", "id")
        return cls({int(e): int(i) for e, i in rows})

    async def look_at(self, candidates: list[int]) -> None:
        """Read the relations among these candidates and those seated."""
        self.related = await kin([*candidates, *self.seated])

    def clash(self, expert_id: int) -> str | None:
        """The skip's text when the candidate is related to someone seated."""
        seated = sorted(self.seated[o] for o in self.related.get(expert_id, ())
                        if o in self.seated)
        return for_record("related", seated[0]) if seated else None

    def seat(self, expert_id: int, invitation_id: int) -> None:
        self.seated[expert_id] = invitation_id


async def related_evidence(activity: DrawActivity, kind: str, record_id: int,
                           expert_id: int, avoided: tuple[set[str], set[str], set[str]]
                           ) -> dict[str, object]:
    """What the audit reads of a relation's skip: the relative's record (whose, and whether
    it meets what the activity avoids: its codes, names and persons' hashes), or the seated
    expert's invitation (of this committee?) and whether the two are related."""
    if kind == "relative":
        row = await ExpertRelative.get_or_none(id=record_id)
        if row is None:
            return {}
        return {"relative_of": row.expert_id, "relative_avoided": meets(row, *avoided)}
    seated = await Invitation.get_or_none(id=record_id)
    if seated is None:
        return {}
    related = expert_id in (await kin([expert_id, seated.expert_id], ever=True)).get(
        seated.expert_id, set())
    return {"seated_here": seated.activity_id in await Family.family(activity),
            "seated_related": related}


def related_problem(kind: str, ref: str, expert_id: int, evidence: dict[str, object]
                    ) -> str | None:
    """What is wrong with a relation's skip (None: its record bears it out)."""
    if kind == "relative":
        if evidence.get("relative_of") != expert_id:
            return f"expert {expert_id} skipped for relative {ref}, who is not theirs"
        return None if evidence.get("relative_avoided") else \
            f"expert {expert_id} skipped for relative {ref}, whom the activity does not avoid"
    if not evidence.get("seated_here"):
        return f"expert {expert_id} skipped as related to invitation {ref}, not of this " \
               "committee"
    return None if evidence.get("seated_related") else \
        f"expert {expert_id} skipped as related to invitation {ref}, whose expert is not " \
        "related to them"
