"""Runs of the 失信被执行人 check: one expert as they are admitted, every active expert on a
schedule (DISHONESTY_EVERY_DAYS after the last full run started) or when an administrator
asks. A run goes in expert id order and records its progress with each expert, so a job
that stops is resumed where it stopped by the sweep. A listed expert opens a flag for the
administrator (or adds new cases to the open one); a case flagged before, handled or not,
never opens another. Nobody is excluded here: the administrator decides, with a sanction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models.dishonesty import DishonestyFlag, DishonestyRun, FlagStatus, RunStatus, RunTrigger
from models.experts import ExpertProfile
from models.people import Person
from services.common.errors import BadInput, Conflict, NotFound
from services.common.paging import PAGE, Page, keyset
from services.common.pii import Vault
from services.common.schedule import Schedule
from services.people.dishonesty.provider import (
    BACKOFF,
    Case,
    DishonestyCheck,
    DishonestyError,
    DishonestyRefused,
    query_with_retries,
)
from services.people.persons import People

log = logging.getLogger(__name__)

RUN_JOB = "dishonesty_run"
BATCH = 50  # experts read at a time
BUDGET = timedelta(minutes=5)  # one job's share of a run: the sweep queues the rest


@dataclass(frozen=True)
class FlagView:
    """A flag as the administrator reads it: whose, and who handled it."""

    flag: DishonestyFlag
    expert_name: str
    expert_number: str
    handled_by: str | None


@dataclass(frozen=True)
class RunView:
    """A run as the administrator reads it: the admitted expert's number, who started it."""

    run: DishonestyRun
    expert_number: str | None
    started_by: str | None


async def admission_check(expert_id: int, now: datetime) -> DishonestyRun:
    """A check of a newly admitted expert, written with the admission (same transaction):
    the sweep hands it to a worker, the reviewer never waits for the provider."""
    return await DishonestyRun.create(trigger=RunTrigger.ADMISSION, expert_id=expert_id,
                                      started_at=now, total=1)


def _keys(cases: Sequence[dict[str, str]]) -> set[str]:
    return {Case.of(c).key for c in cases} or {""}  # a finding without cases is one too


class DishonestyChecks:
    """The checks of experts against the list of dishonest judgment debtors (失信被执行人):
    runs started and followed, flags raised and decided, as the desk reads them."""

    @staticmethod
    async def flag_views(flags: list[DishonestyFlag]) -> list[FlagView]:
        """The flags as the desk reads them: whose, and who handled each."""
        experts = {p.id: p for p in await ExpertProfile.filter(
            id__in=list({f.expert_id for f in flags}))}
        names = await People.names_of({p.person_id for p in experts.values()}
                                      | {f.handled_by for f in flags if f.handled_by})
        out = []
        for f in flags:
            profile = experts.get(f.expert_id)
            out.append(FlagView(
                f, names.get(profile.person_id, "") if profile else "",
                profile.expert_number if profile else "",
                names.get(f.handled_by) if f.handled_by else None))
        return out

    @staticmethod
    async def run_views(runs: list[DishonestyRun]) -> list[RunView]:
        """The runs as the desk reads them: the admitted expert's number, who started each."""
        numbers = dict(await ExpertProfile.filter(
            id__in=[r.expert_id for r in runs if r.expert_id]).values_list("id", "expert_number"))
        names = await People.names_of({r.started_by for r in runs if r.started_by})
        return [RunView(r, numbers.get(r.expert_id) if r.expert_id else None,
                        names.get(r.started_by) if r.started_by else None) for r in runs]


    def __init__(self, vault: Vault, provider: DishonestyCheck | None,
                 schedule: Schedule | None, every: timedelta = timedelta(days=7)) -> None:
        self.vault, self.provider, self.schedule, self.every = vault, provider, schedule, every
        self.backoff: Sequence[float] = BACKOFF

    @property
    def enabled(self) -> bool:
        return self.provider is not None

    async def start(self, now: datetime, by: int | None,
                    trigger: RunTrigger = RunTrigger.ADMIN) -> DishonestyRun:
        """A check of every active expert (the full run going on, if there is one)."""
        if not self.enabled:
            raise Conflict("dishonesty.off")  # a setting, not an outage: no retry helps
        run = await DishonestyRun.filter(status=RunStatus.RUNNING, expert_id=None
                                         ).order_by("-id").first()
        if run is None:
            run = await DishonestyRun.create(
                trigger=trigger, started_by=by, started_at=now,
                total=await ExpertProfile.filter(active=True).count())
        await self._queue(run, now)
        return run

    async def _queue(self, run: DishonestyRun, now: datetime) -> None:
        if self.schedule is not None:  # a job already queued or running keeps its id
            await self.schedule(RUN_JOB, now, (run.id,), f"{RUN_JOB}:{run.id}")

    async def sweep(self, now: datetime) -> int:
        """Runs not finished (new admissions, a job that stopped), to a worker."""
        if not self.enabled:
            return 0  # kept until a provider is configured
        runs = await DishonestyRun.filter(status=RunStatus.RUNNING).order_by("id").limit(100)
        for run in runs:
            await self._queue(run, now)
        return len(runs)

    async def due(self, now: datetime) -> DishonestyRun | None:
        """The scheduled full run, once `every` has passed since the last one started (an
        hour's slack: the cron's own start time moves a little)."""
        if not self.enabled:
            return None
        last = await DishonestyRun.filter(expert_id=None).order_by("-started_at").first()
        if last is not None and now - last.started_at < self.every - timedelta(hours=1):
            return None
        return await self.start(now, None, RunTrigger.SCHEDULE)

    async def run(self, run_id: int, clock: Callable[[], datetime]) -> DishonestyRun | None:
        """Go on with a run for a while (BUDGET), from where it stopped."""
        run = await DishonestyRun.get_or_none(id=run_id)
        if run is None or run.status != RunStatus.RUNNING or self.provider is None:
            return run
        began = clock()
        while clock() - began < BUDGET:
            query = ExpertProfile.filter(id__gt=run.cursor).order_by("id")
            query = query.filter(id=run.expert_id) if run.expert_id else query.filter(
                active=True)
            profiles = await query.limit(BATCH)
            if not profiles:
                run.status, run.finished_at = RunStatus.DONE, clock()
                await run.save(update_fields=["status", "finished_at"])
                break
            for profile in profiles:
                if not await self._check(run, profile, clock()):
                    run.status, run.finished_at = RunStatus.REFUSED, clock()
                    await run.save(update_fields=["status", "finished_at"])
                    return run
        return run

    async def _check(self, run: DishonestyRun, profile: ExpertProfile, now: datetime) -> bool:
        """One expert asked about and the answer recorded; False: the provider refused us."""
        assert self.provider is not None
        person = await Person.get_or_none(id=profile.person_id)
        finding, failed = None, False
        if person is not None and person.id_number_enc:
            try:
                finding = await query_with_retries(
                    self.provider, person.name, self.vault.decrypt(person.id_number_enc),
                    backoff=self.backoff)
            except DishonestyRefused as exc:
                log.error("dishonesty provider refused our credentials (%s): run %s stopped",
                          exc, run.id)
                return False
            except DishonestyError as exc:
                log.warning("dishonesty check of expert %s failed: %r", profile.id, exc)
                failed = True
        async with in_transaction():
            if finding is not None and finding.listed:
                run.found += 1
                run.flagged += await self._flag(run.id, profile.id, finding.cases, now)
            run.checked += finding is not None
            run.failed += failed
            run.cursor = profile.id
            await run.save(update_fields=["cursor", "checked", "found", "flagged", "failed"])
        return True

    @staticmethod
    async def _flag(run_id: int, expert_id: int, cases: Sequence[Case], now: datetime) -> bool:
        """Open a flag, or add new cases to the open one; False when nothing is new."""
        flags = await DishonestyFlag.filter(expert_id=expert_id).order_by("id")
        known = set().union(*(_keys(f.cases) for f in flags))
        fresh = [c for c in cases if c.key not in known]
        if (not cases and "" in known) or (cases and not fresh):
            return False
        current = next((f for f in flags if f.status == FlagStatus.OPEN), None)
        if current is not None:
            current.cases = [*current.cases, *(c.stored() for c in fresh)]
            await current.save(update_fields=["cases"])
            return True
        await DishonestyFlag.create(expert_id=expert_id, found_at=now, run_id=run_id,
                                    cases=[c.stored() for c in cases])
        return True

    @staticmethod
    async def handle(flag_id: int, note: str, by: int, now: datetime) -> DishonestyFlag:
        """The administrator has decided on a flag: their note closes it."""
        note = note.strip()
        if not note:
            raise BadInput("dishonesty.note_needed")
        if len(note) > 300:
            raise BadInput("dishonesty.note_long", limit=300)
        flag = await DishonestyFlag.get_or_none(id=flag_id)
        if flag is None:
            raise NotFound("dishonesty.not_found")
        if not await DishonestyFlag.filter(id=flag_id, status=FlagStatus.OPEN).update(
                status=FlagStatus.HANDLED, note=note, handled_by=by, handled_at=now):
            raise Conflict("dishonesty.handled")
        await flag.refresh_from_db()
        return flag

    @staticmethod
    async def flags(open_only: bool, limit: int = PAGE,
                    after: str | None = None) -> Page[FlagView]:
        """The flags, newest first (open ones only, or all), a page after the cursor
        `after` (keyset paging by the time found and the id)."""
        query = DishonestyFlag.all()
        if open_only:
            query = query.filter(status=FlagStatus.OPEN)
        found = await keyset(query, limit, after, ("-found_at", "-id"), (datetime, int))
        return Page(await DishonestyChecks.flag_views(found.rows), found.next)

    @staticmethod
    async def runs(limit: int = 10) -> list[RunView]:
        """The latest runs, full ones and admission checks."""
        return await DishonestyChecks.run_views(
            await DishonestyRun.all().order_by("-id").limit(limit))
