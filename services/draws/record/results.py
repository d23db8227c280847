"""What a draw's results are, for the agency's API, the printable record and the export
alike: every expert who confirmed for the activity or its supplementary draws, with what
became of them (情形: 参加, 补抽, or the absence the agency registered: 请假 / 缺席 / 现场回避),
sealed until 30 minutes before the evaluation starts (GD-DRAW)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.draws import (
    Condition,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
    PoolName,
    Project,
    SkippedCandidate,
)
from models.experts import ExpertProfile
from models.federated_draws import PeerAsk
from models.people import Person
from services.common.links import Links
from services.common.texts import Texts
from services.draws.candidates.skips import Skips, evidence_of, skip_problem
from services.draws.facts.family import Family
from services.draws.facts.seal import RESULT_LINK, require_unsealed
from services.draws.facts.venue_roles import Venues, mark_roles
from services.draws.news.notices import Notices
from services.draws.randomness.audit import AuditReport, DrawAudit, PoolRecord
from services.draws.randomness.commit import Commitments
from services.draws.randomness.urgent import urgent_pools, urgent_weights
from services.draws.randomness.weighting import pool_weights, weighted_words
from services.draws.setup.request_record import RequestRecord
from services.reference import Reference

RESULT_LINK_TTL = timedelta(hours=1)


LENT = ("drawing", "done", "short")  # a condition another library staffs (its PeerAsk)


@dataclass(frozen=True)
class ResultRow:
    """One confirmed expert as the agency sees them: never their phone, not even masked."""

    invitation_id: int
    name: str
    expert_number: str
    work_unit: str
    specialty: str  # the condition's main specialty (code)
    verification_code: str
    supplementary: bool  # drawn by a 补抽 (* before the code: "验证码前加*号的为补抽专家")
    condition_id: int
    absence: str | None  # 请假 / 缺席 / 现场回避 once registered, else None
    # the venue is 异地 for them (another city than their residence's, whatever the region
    # mode: services/reference elsewhere): GD-DRAW's agency pays them the travel and
    # accommodation allowance (异地评标评审专家交通补助与压差补助), as the fee does
    travels: bool = False
    # where they evaluate: the venue of their condition's notice, "（主场）" / "（副场）" after
    # it when the activity has a 副场 (FG-807 远程异地评标)
    venue: str = ""
    # an expert another library drew for a condition of ours (FG-807 副场; NDRC-26): that
    # library's name, and their arrival and departure there as its roster said
    lent_from: str = ""
    checkin_at: datetime | None = None
    checkout_at: datetime | None = None

    @property
    def situation(self) -> str:
        """The key of its 情形 (texts/words/situation.j2): an absence as registered, else
        confirmed or supplementary."""
        return self.absence or ("supplementary" if self.supplementary else "confirmed")

    def said(self, texts: Texts) -> str:
        """Its 情形 in words (异地 marked)."""
        return texts.render("words/situation.j2", key=self.situation, travels=self.travels)

    @property
    def shown_code(self) -> str:
        """The verification code as the record prints it: * before a 补抽 expert's."""
        return ("*" if self.supplementary else "") + self.verification_code


class Results:
    """A draw's results for the agency's API, the printable record and the export alike."""

    @staticmethod
    async def draw_results(activity: DrawActivity, now: datetime) -> list[ResultRow]:
        """The results, once unsealed (NotAllowed draw.sealed before)."""
        require_unsealed(activity, now)
        ids = await Family.family(activity)
        rows = await Invitation.filter(activity_id__in=ids, status__in=[
            InvitationStatus.CONFIRMED, InvitationStatus.ABSENT]).order_by("id")
        people = {p.id: p for p in await Person.filter(id__in=[r.person_id for r in rows])}
        profiles = {p.id: p for p in await ExpertProfile.filter(id__in=[r.expert_id for r in rows])}
        conditions = {c.id: c for c in await Condition.filter(activity_id__in=ids)}
        notices = {n.id: n for n in await Notice.filter(
            id__in={c.notice_id for c in conditions.values()})}
        await mark_roles(notices.values())
        venues = {i: Notices.venue_region(n) for i, n in notices.items()}
        return [*[ResultRow(invitation_id=r.id, name=people[r.person_id].name,
                          expert_number=profiles[r.expert_id].expert_number,
                          work_unit=profiles[r.expert_id].work_unit,
                          specialty=conditions[r.condition_id].main_specialty,
                          verification_code=r.code or "", supplementary=r.supplementary,
                          condition_id=r.condition_id,
                          absence=(r.absence or "缺席") if r.status == InvitationStatus.ABSENT
                          else None,
                          travels=Reference.regions.elsewhere(profiles[r.expert_id].region,
                                                        venues[conditions[r.condition_id].notice_id]),
                            venue=Venues.venue_label(notices[conditions[r.condition_id].notice_id]))
                for r in rows], *await _lent(ids, conditions, notices)]

    @staticmethod
    async def result_sheet(activity_id: int, texts: Texts, now: datetime) -> ResultSheet | None:
        """The activity's printable result, once unsealed (ClosedWindow draw.sealed before); None:
        no such activity."""
        activity = await DrawActivity.get_or_none(id=activity_id)
        if activity is None:
            return None
        rows = await Results.draw_results(activity, now)
        project = await Project.get(id=activity.project_id)
        asked = RequestRecord.in_words(await RequestRecord.request_of(activity),
                                       RequestRecord.words_of(texts))
        head = await RequestRecord.project_head(activity)
        weighted = await weighted_words(texts, await Family.family(activity))
        return ResultSheet(activity, project, rows, asked, head, weighted)

    @staticmethod
    def result_link(links: Links, activity: DrawActivity, person_id: int,
                    now: datetime) -> tuple[str, datetime]:
        """The printable result page, for this person for an hour, once the results unseal."""
        require_unsealed(activity, now)
        expires = now + RESULT_LINK_TTL
        return links.url(f"/draws/{activity.id}/result", RESULT_LINK, str(activity.id), person_id,
                         expires.timestamp()), expires

    @staticmethod
    async def audit_records(activity: DrawActivity) -> list[PoolRecord]:
        """What the draw recorded for every pool of the activity (for the auditor), with the
        roots published before its start and every skip checked against its record."""
        records = []
        committed = await Commitments.published_roots(activity)
        facts = Skips.activity_facts(activity)
        conditions = await Condition.filter(activity_id=activity.id).order_by("id")
        urgent = await urgent_pools([c.id for c in conditions])
        for condition in conditions:
            first = urgent.get(condition.id)  # an urgent draw's emergency experts, walked first
            pools: tuple[tuple[PoolName, list[int] | None, str | None], ...] = (
                *((("urg", first.expert_ids, first.root),) if first is not None else ()),
                ("main", condition.pool, condition.pool_hash),
                ("alt", condition.alt_pool, condition.alt_pool_hash))
            for name, pool, digest in pools:
                if pool is None or digest is None:
                    continue
                used = dict(await Invitation.filter(condition_id=condition.id, pool=name)
                            .values_list("rank", "expert_id"))
                skipped = await SkippedCandidate.filter(condition_id=condition.id, pool=name)
                used.update({s.rank: s.expert_id for s in skipped})
                record = PoolRecord(condition.id, name, list(pool), digest,
                                    {int(k): int(v) for k, v in used.items()},
                                    {s.rank: s.reason for s in skipped},
                                    committed.get((condition.id, name)),
                                    weights=urgent_weights(first) if first is not None
                                    and name == "urg" else pool_weights(condition, name),
                                    weighting=condition.weighting)
                for s in skipped:
                    record.evidence[s.rank] = await evidence_of(activity, s.expert_id, s.reason)
                    why = skip_problem(s.reason, s.expert_id, record.evidence[s.rank], facts)
                    if why:
                        record.skip_problems[s.rank] = why
                records.append(record)
        return records

    @staticmethod
    async def pool_audit(activity: DrawActivity) -> tuple[list[PoolRecord], AuditReport | None]:
        """What the draw recorded for every pool; once it ended, the re-derivation's report."""
        records = await Results.audit_records(activity)
        if activity.status != DrawStatus.ENDED or activity.seed is None:
            return records, None
        return records, DrawAudit.audit(activity.seed, activity.seed_hash or "", records,
                                        activity.nonce or "")


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


async def _lent(ids: list[int], conditions: dict[int, Condition],
                notices: dict[int, Notice]) -> list[ResultRow]:
    """The experts other libraries drew for conditions of ours, as their rosters (or their
    answers) said: masked names, codes, where they stand — the record is whole (one
    evaluation in two places)."""
    out = []
    for ask in await PeerAsk.filter(activity_id__in=ids, status__in=LENT, release=""
                                    ).order_by("id"):
        condition = conditions[ask.condition_id]
        for e in ask.experts:
            absent = e.get("state") == "absent"
            out.append(ResultRow(
                invitation_id=0, name=str(e.get("name", "")), expert_number="",
                work_unit=f"{ask.peer_name}（外库专家）", specialty=condition.main_specialty,
                verification_code=str(e.get("code", "")), supplementary=False,
                condition_id=condition.id,
                absence=str(e.get("absence") or "缺席") if absent else None,
                venue=Venues.venue_label(notices[condition.notice_id]), lent_from=ask.peer_name,
                checkin_at=_moment(e.get("checkin_at")),
                checkout_at=_moment(e.get("checkout_at"))))
    return out


@dataclass(frozen=True)
class ResultSheet:
    """The printable result (web/draw_results.py): the results, with the record around the
    names — what was asked and how the order was fixed (GD-DRAW)."""

    activity: DrawActivity
    project: Project
    rows: list[ResultRow]
    asked: dict[str, list[str]]  # the request's parts in words (request_record.in_words)
    head: dict[str, Any]  # request_record.project_head
    weighted: list[str]  # weighting.weighted_words
