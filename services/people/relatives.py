"""The close relatives an expert declares (CK-198 Art. 16 (二), GPL-REG Art. 9 (四): 夫妻、直系
血亲、三代以内旁系血亲或者近姻亲) and the units where they hold posts as legal representative,
director, supervisor, controller or person in charge; GD-CG-1 Art. 21 keeps two related
members out of one committee. The list is declared whole (each declaration replaces the last:
the yearly record's, or a correction) and kept as the draw reads it: the name masked, the ID
number only as the keyed hash (services/draws/candidates/relations.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from models.experts import ExpertProfile, ExpertRelative
from models.people import Person
from services.common.errors import BadInput, NotFound
from services.common.pii import Vault, mask_id, mask_name
from services.common.reactions import Announcer, Happened, Happening, RelativesDeclared
from services.people.identity_rules import IdentityRules
from services.people.particulars import RelativeEntry

RELATIONS = ("spouse", "lineal", "collateral", "in_law")  # texts/words/kinship.j2
POSTS = ("legal_rep", "director", "supervisor", "controller", "head")
MOST = 30  # rows of one declaration (ours: a family's relatives and their posts)


@dataclass(frozen=True)
class RelativeIn:
    """One declared relative, and one unit where they hold a post (none: unit "")."""

    relation: str
    name: str
    id_number: str
    unit_name: str = ""
    credit_code: str = ""
    post: str = ""


class Relatives:
    def __init__(self, vault: Vault, reactions: Announcer) -> None:
        self.vault = vault
        self.reactions = reactions

    @staticmethod
    async def expert_of(person_id: int) -> ExpertProfile:
        """The signed-in person's expert record (only formal experts declare here)."""
        found = await ExpertProfile.get_or_none(person_id=person_id)
        if found is None:
            raise NotFound("relative.not_expert")
        return found

    @staticmethod
    async def listed(expert_id: int) -> list[ExpertRelative]:
        """The expert's relatives as last declared."""
        return await ExpertRelative.filter(expert_id=expert_id, withdrawn_at=None).order_by("id")

    @staticmethod
    def _unit(line: int, unit_name: str, credit_code: str, post: str
              ) -> tuple[str, str | None, str]:
        """The unit a relative holds a post at, its credit code and the post, checked."""
        unit = " ".join(unit_name.split())[:128]
        if unit and post not in POSTS:
            raise BadInput("relative.post", line=line)
        if not unit and (post or credit_code.strip()):
            raise BadInput("relative.unit", line=line)
        try:
            code = IdentityRules.parse_credit_code(credit_code) if credit_code.strip() else None
        except BadInput:
            raise BadInput("relative.credit_code", line=line) from None
        return unit, code, post if unit else ""

    def _row(self, expert_id: int, own_hash: str, line: int, entry: RelativeIn,
             now: datetime) -> ExpertRelative:
        """One entry checked, as the row kept; refused naming its line otherwise."""
        if entry.relation not in RELATIONS:
            raise BadInput("relative.relation", line=line)
        name = " ".join(entry.name.split())
        if not 2 <= len(name) <= 32:
            raise BadInput("relative.name", line=line)
        try:
            number = IdentityRules.parse_id_number(entry.id_number)
        except BadInput:
            raise BadInput("relative.id_number", line=line) from None
        id_hash = self.vault.lookup_hash(number.value)
        if id_hash == own_hash:
            raise BadInput("relative.self", line=line)
        unit, code, post = self._unit(line, entry.unit_name, entry.credit_code, entry.post)
        return ExpertRelative(expert_id=expert_id, relation=entry.relation,
                              name_masked=mask_name(name), id_hash=id_hash,
                              id_masked=mask_id(number.value), unit_name=unit,
                              credit_code=code, post=post, declared_at=now)

    def sealed(self, entries: list[RelativeEntry], kept: list[RelativeEntry], own_hash: str,
               now: datetime) -> list[RelativeEntry]:
        """An application's relatives as its draft keeps them: each ID number sent checked
        and exchanged for its keyed hash and masked form, each name masked; a line sent
        back without a number is the draft's own line of that hash (its masked name and
        number as kept), its relation, unit and post checked as sent."""
        held = {e.id_hash: e for e in kept if e.id_hash}
        out = []
        for line, entry in enumerate(entries, start=1):
            if entry.relation not in RELATIONS:
                raise BadInput("relative.relation", line=line)
            if entry.id_number is None:
                before = held.get(entry.id_hash or "")
                if before is None:
                    raise BadInput("relative.id_number", line=line)
                unit, code, post = self._unit(line, entry.unit_name, entry.credit_code,
                                              entry.post)
                out.append(before.model_copy(update={
                    "relation": entry.relation, "unit_name": unit, "credit_code": code or "",
                    "post": post}))
                continue
            row = self._row(0, own_hash, line, RelativeIn(
                entry.relation, entry.name, entry.id_number, entry.unit_name,
                entry.credit_code, entry.post), now)
            out.append(RelativeEntry(
                relation=entry.relation, name=row.name_masked, id_hash=row.id_hash,
                id_masked=row.id_masked, unit_name=row.unit_name,
                credit_code=row.credit_code or "", post=entry.post if row.post else ""))
        return out

    @staticmethod
    async def _replace(expert_id: int, rows: list[ExpertRelative], now: datetime) -> None:
        """The expert's list from now on: a row declared again as it was keeps its record,
        one left out is withdrawn (kept for the audit of a draw that named it)."""
        def same(r: ExpertRelative) -> tuple[str, str, str, str | None, str]:
            return (r.relation, r.id_hash, r.unit_name, r.credit_code, r.post)

        current = await ExpertRelative.filter(expert_id=expert_id, withdrawn_at=None)
        kept = {same(r): r for r in current}
        fresh = [r for r in rows if same(r) not in kept]
        staying = {same(r) for r in rows}
        gone = [r.id for r in current if same(r) not in staying]
        if gone:
            await ExpertRelative.filter(id__in=gone).update(withdrawn_at=now)
        await ExpertRelative.bulk_create(fresh)

    async def require_registered_name(self, line: int, name: str, id_number: str) -> None:
        """A relative who is an expert of the register is declared by the name the register
        has for that ID number (a declaration between experts may cost both their places:
        a number alone, mistyped or another's, must not); refused in words otherwise. A
        number that is no ID number is left to the line's own check."""
        try:
            number = IdentityRules.parse_id_number(id_number).value
        except BadInput:
            return
        found = await Person.filter(
            id_number_hash__in=self.vault.lookup_hashes(number)).first()
        if found is None or not await ExpertProfile.exists(person_id=found.id):
            return
        if " ".join(name.split()) != " ".join(found.name.split()):
            raise BadInput("relative.name_mismatch", line=line)

    async def keep(self, expert: ExpertProfile, entries: list[RelativeEntry],
                   now: datetime) -> None:
        """An approved application's relatives, replacing the expert's last declaration."""
        rows = [ExpertRelative(expert_id=expert.id, relation=e.relation, name_masked=e.name,
                               id_hash=e.id_hash, id_masked=e.id_masked or "",
                               unit_name=e.unit_name, credit_code=e.credit_code or None,
                               post=e.post, declared_at=now)
                for e in entries if e.id_hash]
        async with in_transaction():
            await self._replace(expert.id, rows, now)
            await ExpertProfile.filter(id=expert.id).update(relatives_confirmed_at=now)
            await self.reactions.announce(Happened(
                Happening.RELATIVES_DECLARED, expert.person_id, now,
                RelativesDeclared(expert.id)))

    async def declare(self, expert: ExpertProfile, entries: list[RelativeIn],
                      now: datetime) -> list[ExpertRelative]:
        """The expert's whole list, replacing the last (an empty list: none to declare);
        every line checked before anything is kept."""
        if len(entries) > MOST:
            raise BadInput("relative.too_many", most=MOST)
        person = await Person.get(id=expert.person_id)
        rows = [self._row(expert.id, person.id_number_hash, n, e, now)
                for n, e in enumerate(entries, start=1)]
        for line, entry in enumerate(entries, start=1):
            await self.require_registered_name(line, entry.name, entry.id_number)
        async with in_transaction():
            await self._replace(expert.id, rows, now)
            await ExpertProfile.filter(id=expert.id).update(relatives_confirmed_at=now)
            # the draws' reaction (services/reactions.py), in the same transaction: a related
            # pair already seated goes, or nothing is declared
            await self.reactions.announce(Happened(Happening.RELATIVES_DECLARED, person.id,
                                                   now, RelativesDeclared(expert.id)))
        return await self.listed(expert.id)
