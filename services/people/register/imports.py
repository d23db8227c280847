"""An existing expert register moved in (XJ-CE's "已在库专家" of an earlier system):
a sheet checked row by row, then imported CHUNK rows at a time, each chunk in one
transaction with the run's progress, so that a stopped import resumes where it stopped.
Re-running a file updates what it imported before (the ID number's keyed hash finds the
person), never duplicates. An imported expert starts as XJ-CE says ("【密码】默认为【身份证
后八位】，登录系统后请立即修改密码") and is reachable by SMS at once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import column
from models.experts import ExpertAvoidUnit, ExpertProfile, ExpertSpecialty, RegisterImport
from models.people import Person, Role, RoleGrant, account_key
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotFound
from services.common.files import FileStore
from services.common.pii import barred_key, mask_phone
from services.common.schedule import Schedule
from services.common.sheets import read_table
from services.people.identity_rules import IdentityRules
from services.people.persons import People
from services.people.register.rows import (
    COLUMNS,
    EXAMPLE,
    EXAMPLE_ID,
    REQUIRED,
    ExpertRow,
    Refusal,
    read_rows,
)
from services.reference import Reference

ImportStatus = Literal["queued", "running", "done", "failed"]
CHUNK = 500  # rows per transaction (ours)
ROWS_MAX = 100_000
PROBLEMS_KEPT = 1000  # refused rows listed (the count says the rest)
OWN_UNIT = "本人工作单位"
STALLED = timedelta(minutes=5)  # a running import not moving for this long has stopped


@dataclass(frozen=True)
class ChunkCounts:
    created: int
    updated: int
    refused: list[Refusal]
    waiting: list[Refusal]  # rows imported, but for a new phone the person must confirm


def _kept(refusals: list[Refusal], imported: bool = False) -> list[dict[str, object]]:
    return [{"row": r.row, "column": r.column, "code": r.error.code, "imported": imported,
             "params": {k: v for k, v in r.error.params.items()
                        if isinstance(v, str | int)}} for r in refusals]


@dataclass(frozen=True)
class ImportView:
    """A run as the administrator follows it: its row, and who started it."""

    run: RegisterImport
    started_by: str | None


IMPORT_JOB = "import_register"


class RegisterImports:
    """The register of experts imported from a spreadsheet, row by row, and its template."""

    def __init__(self, people: People, files: FileStore,
                 schedule: Schedule | None = None) -> None:
        self.people, self.files, self.schedule = people, files, schedule

    @staticmethod
    def template(notes: str) -> bytes:
        """The empty register: the header (* required), an example row, and a sheet of notes
        (`notes`: texts/documents/register_template.j2, its title then "列|说明" lines)."""
        import io

        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "专家名册"
        sheet.append([w + ("*" if k in REQUIRED else "") for k, w in COLUMNS.items()])
        sheet.append([EXAMPLE_ID if k == "id_number" else EXAMPLE[k] for k in COLUMNS])
        for index, key in enumerate(COLUMNS):
            sheet.column_dimensions[chr(ord("A") + index)].width = 24 if key in (
                "work_unit", "region", "id_number") else 14
        title, *lines = notes.splitlines()
        help_sheet = book.create_sheet(title)
        help_sheet.append(["列", "说明"])
        for line in lines:
            help_sheet.append(line.split("|", 1))
        help_sheet.column_dimensions["B"].width = 100
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    async def queue(self, run: RegisterImport, now: datetime) -> None:
        """The run, to a worker (a console upload: the page follows its progress)."""
        if self.schedule is None:
            raise RuntimeError("no job queue in this process")
        await self.schedule(IMPORT_JOB, now, (run.id,), f"{IMPORT_JOB}:{run.id}:{run.done}")

    @staticmethod
    async def views(runs: list[RegisterImport]) -> list[ImportView]:
        names = await People.names_of({r.started_by for r in runs if r.started_by})
        return [ImportView(r, names.get(r.started_by) if r.started_by else None)
                for r in runs]

    async def view(self, run: RegisterImport) -> ImportView:
        (view,) = await self.views([run])
        return view

    async def recent(self, limit: int = 20) -> list[ImportView]:
        """The latest runs, newest first."""
        return await self.views(await RegisterImport.all().order_by("-id").limit(limit))

    async def one(self, run_id: int) -> ImportView:
        run = await RegisterImport.get_or_none(id=run_id)
        if run is None:
            raise NotFound("register.not_found")
        return await self.view(run)

    async def resume(self, run_id: int, now: datetime) -> ImportView:
        """A stopped run, to a worker again (it goes on from the row it stopped at)."""
        run = await RegisterImport.get_or_none(id=run_id)
        if run is None or run.file_key is None:
            raise NotFound("register.not_found")
        if run.status == "running" and now - run.updated_at < STALLED:
            raise Conflict("register.running")
        await self.queue(run, now)
        return await self.view(run)

    async def start(self, raw: bytes, filename: str, dry_run: bool, actor: int | None,
                    now: datetime) -> RegisterImport:
        """A run for this file: the unfinished import of the same file, resumed, or a new
        one (its file kept until it ends). BadInput when the file is not a table."""
        read_table(raw, filename, ROWS_MAX, header_only=True)  # not a table: said now
        digest = hashlib.sha256(raw).hexdigest()
        if not dry_run:
            stopped = await RegisterImport.filter(sha256=digest, dry_run=False,
                                                  status__in=["queued", "running", "failed"]
                                                  ).order_by("-id").first()
            if stopped is not None and stopped.file_key:
                return stopped
        key = f"imports/{digest}"
        await self.files.put(key, raw)
        return await RegisterImport.create(sha256=digest, filename=filename[:128],
                                           dry_run=dry_run, file_key=key, started_by=actor,
                                           started_at=now)

    async def run(self, run_id: int, clock: Callable[[], datetime],
                  progress: Callable[[RegisterImport], None] | None = None) -> RegisterImport:
        """Do the run (or go on with it from `done`): every row checked, the good ones
        written a chunk at a time. A refused row is listed, never written."""
        run = await RegisterImport.get_or_none(id=run_id)
        if run is None or run.file_key is None or run.status == "done":
            raise NotFound("register.not_found")
        raw = await self.files.get(run.file_key)
        rows, header_problems = read_rows(read_table(raw, run.filename, ROWS_MAX),
                                          Reference.regions(), Reference.catalogue())
        run.status, run.total = "running", len(rows)
        if header_problems:
            run.refused, run.problems = len(rows) or 1, _kept(header_problems)
            return await self._finish(run, clock)
        await run.save(update_fields=["status", "total"])
        try:
            while run.done < len(rows):
                chunk = rows[run.done:run.done + CHUNK]
                async with in_transaction():
                    counts = await self._chunk(chunk, run.dry_run, clock())
                    run.done += len(chunk)
                    run.created += counts.created
                    run.updated += counts.updated
                    run.refused += len({r.row for r in counts.refused})
                    room = PROBLEMS_KEPT - len(run.problems)
                    if room > 0:
                        run.problems = [*run.problems, *_kept(counts.refused[:room]),
                                        *_kept(counts.waiting[:room], imported=True)][
                            :PROBLEMS_KEPT]
                    await run.save(update_fields=["done", "created", "updated", "refused",
                                                  "problems"])
                if progress is not None:
                    progress(run)
        except Exception:
            run.status = "failed"  # what is done stays done: the next run resumes here
            await run.save(update_fields=["status"])
            raise
        return await self._finish(run, clock)

    async def _finish(self, run: RegisterImport, clock: Callable[[], datetime]
                      ) -> RegisterImport:
        if run.file_key:
            await self.files.delete(run.file_key)
        run.status, run.finished_at, run.file_key = "done", clock(), None
        await run.save()
        return run

    async def _chunk(self, rows: list[ExpertRow], dry_run: bool, now: datetime) -> ChunkCounts:
        refused = [r for row in rows for r in row.refusals]
        good = [row for row in rows if not row.refusals]
        vault = self.people.vault
        hashes = {vault.lookup_hash(row.id_number): row for row in good}
        # a person not rehashed since SM3 is found by the older hash, kept under the new one
        legacy = {vault.legacy_lookup_hash(row.id_number): digest
                  for digest, row in hashes.items()}
        persons = {legacy.get(p.id_number_hash, p.id_number_hash): p for p in await
                   Person.filter(id_number_hash__in=[*hashes, *legacy])}
        phones = {p.phone: p.id for p in await Person.filter(
            Q(phone_hash__in=[vault.phone_key(r.phone) for r in good])
            | Q(phone_clear__in=[r.phone for r in good]), deregistered_at=None)}
        keys = {row.row: account_key(row.account) for row in good if row.account}
        accounts = dict(await Person.filter(account_key__in=list(keys.values()),
                                            deregistered_at=None).values_list("account_key", "id"))
        numbers = dict(await ExpertProfile.filter(
            expert_number__in=[r.expert_number for r in good]).values_list(
            "expert_number", "person_id"))
        profiles = {p.person_id: p for p in await ExpertProfile.filter(
            person_id__in=[p.id for p in persons.values()])}
        barred = {str(h) for h in await column(Person.filter(id_number_hash__in=[
            barred_key(d) for d in hashes]), "id_number_hash")}
        fresh: list[tuple[ExpertRow, Person]] = []
        kept: list[tuple[ExpertRow, Person]] = []
        waiting: list[Refusal] = []
        moved: list[tuple[Person, str]] = []
        for digest, row in hashes.items():
            person = persons.get(digest)
            why = Refusal(row.row, "身份证号", BadInput("register.barred")) \
                if barred_key(digest) in barred \
                else self._conflict(row, person, phones, numbers, profiles) \
                or self._account_conflict(row, person, keys.get(row.row), accounts)
            if why is not None:
                refused.append(why)
            elif person is None:
                fresh.append((row, self.people.person(IdentityRules.parse_id_number(row.id_number),
                                                      row.name, row.phone, row.email,
                                                      migrated=True)))
                fresh[-1][1].account_key = keys.get(row.row)
            else:
                if person.phone != row.phone:  # the sign-in phone: theirs to change
                    waiting.append(Refusal(row.row, "手机号", BadInput(
                        "register.phone_to_confirm", phone=mask_phone(row.phone))))
                    moved.append((person, row.phone))
                person.email = row.email or person.email
                person.account_key = keys.get(row.row) or person.account_key
                kept.append((row, person))
        refused.sort(key=lambda r: r.row)
        if dry_run:
            return ChunkCounts(len(fresh), len(kept), refused, waiting)
        async with self.people.outbox.change(now) as change:
            for person, phone in moved:  # told where they are reached today
                await change.notify("register.phone_differs", {
                    "phone": mask_phone(phone), "at": china_time(now)}, person_id=person.id)
        if fresh:
            await Person.bulk_create([p for _, p in fresh], batch_size=CHUNK)
            made = {p.id_number_hash: p for p in await Person.filter(
                id_number_hash__in=[p.id_number_hash for _, p in fresh])}
            fresh = [(row, made[p.id_number_hash]) for row, p in fresh]
        if kept:
            await Person.bulk_update([p for _, p in kept], ["email", "account_key"],
                                     batch_size=CHUNK)
        experts = set(await RoleGrant.filter(
            person_id__in=[p.id for _, p in kept], role=Role.EXPERT, revoked_at=None
        ).values_list("person_id", flat=True)) if kept else set()
        await RoleGrant.bulk_create([RoleGrant(person_id=p.id, role=Role.EXPERT,
                                               expert_number=row.expert_number)
                                     for row, p in fresh + kept if p.id not in experts],
                                    batch_size=CHUNK)
        await self._profiles(fresh + kept, profiles)
        for name, code in {(r.work_unit, r.unit_credit_code) for r in good}:
            await Reference.units.remember(name, code, "import", now)
        return ChunkCounts(len(fresh), len(kept), refused, waiting)

    @staticmethod
    def _conflict(row: ExpertRow, person: Person | None, phones: dict[str, int],
                  numbers: dict[str, int], profiles: dict[int, ExpertProfile]
                  ) -> Refusal | None:
        def refusal(column: str, code: str) -> Refusal:
            return Refusal(row.row, column, BadInput(code))

        me = person.id if person is not None else None
        if person is not None and person.name != row.name:
            return refusal("姓名", "register.name_differs")
        if phones.get(row.phone, me) != me:
            return refusal("手机号", "register.phone_taken")
        if numbers.get(row.expert_number, me) != me:
            return refusal("专家编号", "register.number_taken")
        profile = profiles.get(me) if me is not None else None
        if profile is not None and profile.expert_number != row.expert_number:
            return refusal("专家编号", "register.number_changed")
        return None

    @staticmethod
    def _account_conflict(row: ExpertRow, person: Person | None, key: str | None,
                          accounts: dict[str, int]) -> Refusal | None:
        """原账号 already signs another person in."""
        me = person.id if person is not None else None
        if key is None or accounts.get(key, me) == me:
            return None
        return Refusal(row.row, "原账号", BadInput("people.old_account_taken"))

    @staticmethod
    async def _profiles(rows: list[tuple[ExpertRow, Person]],
                        existing: dict[int, ExpertProfile]) -> None:
        """Each person's profile as the register has it: region, units, title, status,
        是否接受异地评标, 是否愿意成为应急专家, specialties (首选 primary), and their own unit
        to be avoided."""
        new: list[ExpertProfile] = []
        old: list[ExpertProfile] = []
        for row, person in rows:
            profile = existing.get(person.id) or ExpertProfile(  # XJ-CE's order applies
                person_id=person.id, expert_number=row.expert_number, migrated=True)
            profile.region, profile.willing_regions = row.region, row.willing_regions
            profile.work_unit, profile.unit_credit_code = row.work_unit, row.unit_credit_code
            profile.title_level, profile.industry = row.title_level, row.industry
            profile.active = row.active
            # 是否接受异地评标: a blank keeps the answer on record; a new expert whom the
            # register does not ask has declined nothing
            if row.remote_ok is not None or person.id not in existing:
                profile.remote_ok = row.remote_ok is not False
            # 是否愿意成为应急专家: the same, and nobody is an emergency expert unasked
            if row.emergency_ok is not None or person.id not in existing:
                profile.emergency_ok = row.emergency_ok is True
            (old if person.id in existing else new).append(profile)
        if old:
            await ExpertProfile.bulk_update(old, [
                "region", "willing_regions", "work_unit", "unit_credit_code", "title_level",
                "industry", "active", "remote_ok", "emergency_ok"], batch_size=CHUNK)
        if new:
            await ExpertProfile.bulk_create(new, batch_size=CHUNK)
        ids = {p.person_id: p.id for p in await ExpertProfile.filter(
            person_id__in=[person.id for _, person in rows])}
        await ExpertSpecialty.filter(expert_id__in=list(ids.values())).delete()
        await ExpertSpecialty.bulk_create([
            ExpertSpecialty(expert_id=ids[person.id], code=code, is_primary=code in row.primary)
            for row, person in rows for code in [*row.primary, *row.alternate]],
            batch_size=CHUNK * 4)
        await ExpertAvoidUnit.filter(expert_id__in=list(ids.values()), reason=OWN_UNIT).delete()
        await ExpertAvoidUnit.bulk_create([
            ExpertAvoidUnit(expert_id=ids[person.id], unit_name=row.work_unit,
                            credit_code=row.unit_credit_code, reason=OWN_UNIT)
            for row, person in rows], batch_size=CHUNK)
