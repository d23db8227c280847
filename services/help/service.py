"""The knowledge base the centre keeps (常见问题, 办理指南) and the 智能客服 that answers from it:
entries shipped in texts/help/knowledge.toml are loaded once into the database, where the
administrator edits them (each change a new version, every version kept); a question in a
person's own words is answered by the best entry when it is confident, otherwise with the
closest entries and the way to a person (人工客服). Answers are the entries' words only:
nobody's own data is ever in them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.help import HelpEntry, HelpEntryVersion, HelpQuestion, ReviewReason
from models.people import Person, Role
from services.common.errors import Conflict, NotFound
from services.common.pii import mask_text
from services.help.knowledge import Audience, EntryText, Kind, Process, ShippedEntry, shipped
from services.help.ranker import Mode, Ranker
from services.help.ranking import Index, Indexed
from services.help.review import HelpReviews
from services.help.segment import Segmenter

log = logging.getLogger(__name__)
CLOSEST = 3
QUESTION_MAX = 200  # characters of a question looked at
# questions one address may ask a minute, in the 帮助中心 or of the public 智能客服 (the
# ranking is CPU; web/rate.py counts)
SEARCHES_PER_MINUTE = 30
ROLE_AUDIENCES: dict[str, frozenset[str]] = {
    Role.APPLICANT: frozenset({Audience.APPLICANT}), Role.EXPERT: frozenset({Audience.EXPERT}),
    Role.AGENCY_LEGAL: frozenset({Audience.AGENCY}),
    Role.AGENCY_HANDLER: frozenset({Audience.AGENCY}),
    Role.REVIEWER: frozenset({Audience.REVIEWER}), Role.VERIFIER: frozenset({Audience.VERIFIER}),
    Role.FINANCE: frozenset({Audience.FINANCE}), Role.ADMIN: frozenset(Audience),
}


@dataclass(frozen=True)
class Contact:
    """The 客服热线 and the hours the staff answer (HELP_HOTLINE, HELP_HOURS; "" when unset)."""

    hotline: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Answer:
    """What the knowledge base says to a question: `best` when confident, else None and
    the closest entries that hold something of it (none: nothing near); `asked`: the question
    as kept, whose id and token take the asker's 有用 / 没用 (None when it was not kept)."""

    best: HelpEntry | None
    closest: tuple[HelpEntry, ...]
    mode: Mode = Mode.LEXICAL  # what ranked the entries
    asked: HelpQuestion | None = None

    @property
    def confident(self) -> bool:
        return self.best is not None


class Help:
    @staticmethod
    def audiences_of(roles: set[str]) -> frozenset[str]:
        """The audiences a person with these roles reads as (an applicant-to-be without any)."""
        found = frozenset(a for r in roles for a in ROLE_AUDIENCES.get(r, ()))
        return found or frozenset({Audience.APPLICANT})


    def __init__(self, texts_dir: Path, segmenter: Segmenter,
                 contact: Contact = Contact(), ranker: Ranker | None = None) -> None:
        self.contact = contact
        self.ranker = ranker or Ranker(Mode.LEXICAL, None)
        self._texts_dir = texts_dir
        self._segmenter = segmenter
        self._loaded = False
        self._shipped: list[ShippedEntry] | None = None
        self._index: Index | None = None
        self._items: list[Indexed] = []
        self._generation: int | None = None
        self._lock = asyncio.Lock()
        self.reviews = HelpReviews(self)  # 有用 / 没用, and what the administrator looks at

    async def _ensure(self, now: datetime) -> None:
        """The shipped entries in the database: new ones added, ones the administrator never
        edited brought up to the shipped words (once per process)."""
        if self._loaded and await HelpEntry.exists():
            return  # (emptied under a running process, as the tests do: shipped again)
        if self._shipped is None:  # the file is read once a process
            self._shipped = await asyncio.to_thread(shipped, self._texts_dir)
        items = self._shipped
        if not await HelpEntry.exists():  # a new deployment: all at once
            with contextlib.suppress(IntegrityError):  # another process shipped them just now
                await _ship_all(items, now)
        held = {e.key: e for e in await HelpEntry.all()}
        gone = {e.key for e in items}
        for key, entry in held.items():  # taken out of a release: withdrawn, if never edited
            if key not in gone and entry.edited_by is None and not entry.retired:
                await _withdraw(entry, now)
        for item in items:  # only what is new, or changed and never edited here
            known = held.get(item.key)
            if known is None or (known.edited_by is None and any(
                    getattr(known, k) != v for k, v in _fields(item).items())):
                with contextlib.suppress(IntegrityError):
                    await _ship(item, now)
        self._loaded = True

    async def entries(self, now: datetime, audience: str | None = None
                      ) -> list[HelpEntry]:
        """The entries shown (not retired), guides first, in the knowledge base's order."""
        await self._ensure(now)
        found = await HelpEntry.filter(retired=False).order_by("id")
        if audience:
            found = [e for e in found if audience in e.audiences or "anyone" in e.audiences]
        return sorted(found, key=lambda e: e.kind != "guide")

    async def all_entries(self, now: datetime) -> list[HelpEntry]:
        """Every entry, retired ones too (the administrator's list)."""
        await self._ensure(now)
        return await HelpEntry.all().order_by("id")

    async def entry(self, key: str, now: datetime, shown_only: bool = True) -> HelpEntry:
        await self._ensure(now)
        found = await HelpEntry.get_or_none(key=key)
        if found is None or (shown_only and found.retired):
            raise NotFound("help.not_found")
        return found

    async def ask(self, question: str, audiences: frozenset[str], now: datetime,
                  asker: tuple[str, int | None] | None = None, channel: str = "chat"
                  ) -> Answer:
        """The knowledge base's answer to a question in a person's own words, kept masked
        with what answered it and where it was asked (`channel`; in chat `asker`, the openid
        and person: the conversation so far, should the person ask for 人工客服), with the
        token its 有用 / 没用 is given with; one it was not sure of is a review item."""
        index = await self._current(now)
        ranked = await self.ranker.rank(index, self._items, question[:QUESTION_MAX], audiences)
        hits = ranked.ranked.hits
        by_key = {e.key: e for e in await HelpEntry.filter(key__in=[h.key for h in hits])}
        # an entry that holds nothing of the question is not near it: with none near, the
        # question is outside what the centre handles (the chat says so)
        answer = Answer(None, tuple(by_key[h.key] for h in hits[:CLOSEST]
                                    if h.key in by_key and h.coverage > 0), ranked.mode)
        if hits and ranked.ranked.sure and hits[0].key in by_key:
            answer = Answer(by_key[hits[0].key], (), ranked.mode)
        if not question.strip():
            return answer
        openid, person_id = asker or ("", None)
        kept = await HelpQuestion.create(
            openid=openid, person_id=person_id, question=mask_text(question)[:QUESTION_MAX],
            answered_key=answer.best.key if answer.best else "", asked_at=now, channel=channel,
            top_key=hits[0].key if hits else "", token=secrets.token_urlsafe(12),
            ranked_by=str(ranked.mode))
        if answer.best is None:
            await self.reviews.open_item(kept, ReviewReason.UNSURE, now)
        return Answer(answer.best, answer.closest, ranked.mode, kept)

    async def warm(self, now: datetime) -> Mode:
        """The index and the entries' vectors made now rather than at the first question
        (start-up, the tests of the model); the mode the next answer will be ranked in."""
        index = await self._current(now)
        await self.ranker.warm(index, self._items)
        return await self.ranker.ready(index)

    async def _current(self, now: datetime) -> Index:
        """The index of the entries as they are now (rebuilt after a change)."""
        await self._ensure(now)
        # the words as shipped are the same words whatever their rows' ids (an emptied
        # database shipped again needs no new index); an edit is known by its moment
        rows = await HelpEntry.all().values_list("key", "version", "retired", "edited_by",
                                                 "updated_at")
        generation = hash(tuple(sorted((k, v, r, e, u if e else None)
                                       for k, v, r, e, u in rows)))
        async with self._lock:
            if self._index is None or generation != self._generation:
                shown = await HelpEntry.filter(retired=False).order_by("id")
                items = [Indexed(e.key, e.title, tuple(e.keywords), tuple(e.similar), e.body,
                                 tuple(e.audiences)) for e in shown]
                await asyncio.to_thread(self._segmenter.load)
                self._index = await asyncio.to_thread(Index, items, self._segmenter)
                self._items = items
                self._generation = generation
            return self._index

    async def edit(self, key: str, text: EntryText, retired: bool, note: str,
                   editor_id: int, now: datetime) -> HelpEntry:
        """The administrator's change to an entry: a new version, the old ones kept."""
        await self._ensure(now)
        async with in_transaction():
            entry = await HelpEntry.select_for_update().get_or_none(key=key)
            if entry is None:
                raise NotFound("help.not_found")
            entry.title, entry.body = text.title, text.body
            entry.audiences = [str(a) for a in text.audiences]
            entry.keywords = [k for k in dict.fromkeys(w.strip() for w in text.keywords) if k]
            entry.similar = [q for q in dict.fromkeys(w.strip() for w in text.similar) if q]
            entry.retired, entry.edited_by, entry.updated_at = retired, editor_id, now
            entry.version += 1
            await entry.save()
            await _version(entry, editor_id, now, note)
        return entry

    async def add(self, key: str, text: EntryText, kind: Kind, process: Process, note: str,
                  editor_id: int, now: datetime) -> HelpEntry:
        """A new entry the administrator wrote (its first version)."""
        await self._ensure(now)
        if await HelpEntry.exists(key=key):
            raise Conflict("help.key_taken")
        async with in_transaction():
            entry = await HelpEntry.create(
                key=key, kind=str(kind), process=str(process), title=text.title, body=text.body,
                audiences=[str(a) for a in text.audiences], keywords=list(text.keywords),
                similar=list(text.similar), edited_by=editor_id, updated_at=now)
            await _version(entry, editor_id, now, note)
        return entry

    @staticmethod
    async def unanswered(now: datetime, days: int = 30) -> tuple[int, list[HelpQuestion]]:
        """How many questions were asked in the last `days`, and the latest of those
        the knowledge base was not sure of (masked): what the centre adds 相似问法 from."""
        since = now - timedelta(days=days)
        asked = await HelpQuestion.filter(asked_at__gte=since).count()
        return asked, await HelpQuestion.filter(asked_at__gte=since, answered_key="").order_by(
            "-id").limit(100)

    @staticmethod
    async def history(key: str) -> tuple[list[HelpEntryVersion], dict[int, str]]:
        """Every version of an entry, the newest first, and its editors' names (by id)."""
        versions = await HelpEntryVersion.filter(key=key).order_by("-version")
        names = dict(await Person.filter(id__in={v.edited_by for v in versions if v.edited_by}
                                         ).values_list("id", "name"))
        return versions, names


def _fields(item: ShippedEntry) -> dict[str, Any]:
    return {"kind": str(item.kind), "process": str(item.process), "title": item.title,
            "audiences": [str(a) for a in item.audiences], "keywords": list(item.keywords),
            "similar": list(item.similar), "body": item.body}


async def _ship_all(items: list[ShippedEntry], now: datetime) -> None:
    async with in_transaction():
        await HelpEntry.bulk_create([HelpEntry(key=i.key, updated_at=now, **_fields(i))
                                     for i in items])
        await HelpEntryVersion.bulk_create([HelpEntryVersion(
            key=i.key, version=1, title=i.title, audiences=[str(a) for a in i.audiences],
            keywords=list(i.keywords), similar=list(i.similar), body=i.body, edited_at=now)
            for i in items])


async def _ship(item: ShippedEntry, now: datetime) -> None:
    async with in_transaction():
        entry = await HelpEntry.select_for_update().get_or_none(key=item.key)
        fields = _fields(item)
        if entry is None:
            entry = await HelpEntry.create(key=item.key, updated_at=now, **fields)
            await _version(entry, None, now, "")
            return
        if entry.edited_by is not None or all(getattr(entry, k) == v for k, v in fields.items()):
            return  # the administrator's words stay; or nothing changed
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.version, entry.updated_at = entry.version + 1, now
        await entry.save()
        await _version(entry, None, now, "")


async def _withdraw(entry: HelpEntry, now: datetime) -> None:
    async with in_transaction():
        if await HelpEntry.filter(id=entry.id, version=entry.version, edited_by=None).update(
                retired=True, version=entry.version + 1, updated_at=now):
            entry.retired, entry.version = True, entry.version + 1
            await _version(entry, None, now, "")


async def _version(entry: HelpEntry, editor_id: int | None, now: datetime, note: str) -> None:
    await HelpEntryVersion.create(
        key=entry.key, version=entry.version, title=entry.title, audiences=entry.audiences,
        keywords=entry.keywords, similar=entry.similar, body=entry.body, retired=entry.retired,
        edited_by=editor_id, edited_at=now, note=note[:200])
