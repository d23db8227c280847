"""What an agency asks the trading centre to verify (GD-DRAW: 提交交易中心核验), kept as it
was at each submission: the times, the count, the notices, the conditions, the avoidances
and the attachments. The verifier reads the request whole and, after a refusal, what changed
between the refused request and the one in front of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.draw_evidence import DrawEvidence
from models.draw_handler import masked_phone, supervisors_of
from models.draws import (
    Avoidance,
    Condition,
    DrawActivity,
    DrawLog,
    Notice,
    Project,
    Section,
)
from models.federated_draws import PeerAsk
from models.people import Agency
from services.common.clock import china_time
from services.common.texts import Texts
from services.draws.facts.committee import Committees
from services.draws.facts.venue_roles import Venues, mark_roles
from services.draws.news.notices import Notices
from services.reference import Reference

# the parts of a request, in the order a verifier reads them
PARTS = ("info", "times", "handler", "supervisors", "notices", "conditions", "avoidances",
         "evidence")
# the log's entries that make a request's history: asked, taken back, decided
ROUNDS = ("submit", "take_back", "verify", "refuse")

Request = dict[str, list[dict[str, Any]]]


class RequestRecord:
    """The request as the verifier reads it, in words, and what changed since it was last
    refused."""

    @staticmethod
    async def project_head(activity: DrawActivity) -> dict[str, Any]:
        """What a request or a record is about: the project, its place (named), who tenders,
        which agency, and the activity's sections."""
        project = await Project.get(id=activity.project_id)
        agency = await Agency.get_or_none(id=activity.agency_id)
        sections = await Section.filter(project_id=project.id, activity_id=activity.id
                                        ).order_by("id")
        return {"project": project.name, "project_number": project.number or "",
                "project_region": Reference.regions().full_name(project.region) or project.region,
                "tenderer": project.tenderer_name, "agency": agency.name if agency else "",
                "sections": [f"{s.number} {s.name}" for s in sections],
                # GD-DRAW's 招标项目信息, every field the form has
                "project_kind": project.kind.replace("/", " / "), "funding": project.funding,
                "approval_no": project.approval_no, "tender_method": project.tender_method,
                "organisation": project.organisation, "tenderer_type": project.tenderer_type,
                "investment_yuan": project.investment_fen / 100,
                "investment_wan": wan(project.investment_fen),
                "investment_code": project.investment_code,
                "tenderer_credit_code": project.tenderer_credit_code,
                "agency_credit_code": agency.credit_code if agency else "",
                "contact_name": project.contact_name,
                "contact_phone": masked_phone(project.contact_phone) if project.contact_phone
                else "",
                "section_rows": [{"number": s.number, "name": s.name,
                                  "investment_wan": wan(s.investment_fen)} for s in sections]}

    @staticmethod
    async def request_of(activity: DrawActivity) -> Request:
        """The request as it stands, as plain values (kept in the log at each submission)."""
        notices = await Notice.filter(activity_id=activity.id).order_by("id")
        await mark_roles(notices)  # a remote evaluation's 主场 and 副场 said (FG-807)
        venue = {n.id: Venues.venue_label(n) for n in notices}
        conditions = await Condition.filter(activity_id=activity.id).order_by("id")
        # a condition another library draws says which (FG-807 副场; docs/federation.md)
        peers = {a.condition_id: a.peer_name for a in await PeerAsk.filter(
            condition_id__in=[c.id for c in conditions])} if conditions else {}
        avoidances = await Avoidance.filter(activity_id=activity.id).order_by("id")
        evidence = await DrawEvidence.filter(activity_id=activity.id,
                                             purpose="submission").order_by("id")
        return {
            "info": [info_of(activity)],
            "handler": [{"name": activity.handler_name, "phone": activity.handler_phone_masked,
                         "id_number": activity.handler_id_masked}]
            if activity.handler_name else [],
            "supervisors": [{"name": p.name, "phone": p.phone_masked, "department": p.department}
                            for p in supervisors_of(activity.supervisors)],
            "times": [{"bid_open_at": china_time(activity.bid_open_at),
                       "eval_start": china_time(activity.eval_start),
                       "eval_end": china_time(activity.eval_end), "total": activity.total,
                       "committee": await Committees.values(activity)}],
            "notices": [{"venue": Venues.venue_label(n),
                         "address": f"{n.city}{n.district}{n.street}{n.room}",
                         "gather_at": china_time(n.gather_at), "contact": Notices.notice_contact(n),
                         "notes": n.notes} for n in notices],
            "conditions": [{"notice": venue.get(c.notice_id, ""), "region_mode": c.region_mode,
                            "regions": list(c.regions), "main_specialty": c.main_specialty,
                            "alternate_specialty": c.alternate_specialty,
                            "title_level": c.title_level, "qualification": c.qualification,
                            "industry": c.industry, "planned": c.planned,
                            "drawn_by": peers.get(c.id, "")} for c in conditions],
            "avoidances": [{"kind": a.kind, "name": a.name, "reason": a.reason,
                            "fixed": a.fixed} for a in avoidances],
            "evidence": [{"filename": e.filename} for e in evidence],
        }

    @staticmethod
    def words_of(texts: Texts) -> Words:
        """An item in words: texts/draw/request_item.j2."""
        return lambda part, item: texts.render("draw/request_item.j2", part=part,
                                               entry=item).strip()

    @staticmethod
    def part_title(texts: Texts, part: str) -> str:
        return texts.render("draw/request_part.j2", part=part).strip()

    @staticmethod
    def in_words(request: Request, words: Words) -> dict[str, list[str]]:
        """Each part's items as a person reads them."""
        return {part: [words(part, named(part, item)) for item in request.get(part, [])]
                for part in PARTS}

    @staticmethod
    def changes(before: Request, after: Request, words: Words) -> list[Change]:
        """What the second request removed and added, part by part (an edited item is one
        removed and one added)."""
        old, new = RequestRecord.in_words(before, words), RequestRecord.in_words(after, words)
        out = []
        for part in PARTS:
            removed = [w for w in old[part] if w not in new[part]]
            added = [w for w in new[part] if w not in old[part]]
            if removed or added:
                out.append(Change(part, removed, added))
        return out

    @staticmethod
    async def rounds(activity_id: int) -> list[DrawLog]:
        """The request's history: each submission, taking back and decision, oldest first."""
        return await DrawLog.filter(activity_id=activity_id, action__in=ROUNDS).order_by("at", "id")

    @staticmethod
    def refused_request(history: list[DrawLog]) -> Request | None:
        """The request the last refusal was about, if the log kept it (submissions are kept
        with their request since this record began)."""
        refusals = [i for i, e in enumerate(history) if e.action == "refuse"]
        if not refusals:
            return None
        asked = [e for e in history[:refusals[-1]] if e.action == "submit"]
        kept = asked[-1].detail.get("request") if asked else None
        return kept if isinstance(kept, dict) else None


def wan(fen: int) -> str:
    """An amount in 万元, as GD-DRAW's forms write investments: 1500000 yuan -> 150."""
    return f"{fen / 1_000_000:.6f}".rstrip("0").rstrip(".")


def info_of(activity: DrawActivity) -> dict[str, Any]:
    """GD-DRAW's 活动信息 as plain values (the handler's numbers masked)."""
    return {"name": activity.name, "media": activity.media,
            "bid_open_place": Reference.regions().full_name(activity.bid_open_region, "-")
            if activity.bid_open_region else "",
            "on_site": activity.on_site, "avoid_drawn": activity.avoid_drawn,
            "remarks": activity.remarks}


def named(part: str, item: dict[str, Any]) -> dict[str, Any]:
    """An item with names where it keeps codes (regions, specialties), for the words."""
    if part != "conditions":
        return item
    found, tree = Reference.regions(), Reference.catalogue()
    return {**item, "regions": [found.full_name(r) or r for r in item["regions"]],
            "main_specialty": tree.path_name(item["main_specialty"]) or item["main_specialty"],
            "alternate_specialty": (tree.path_name(item["alternate_specialty"])
                                    or item["alternate_specialty"])
            if item.get("alternate_specialty") else None}


Words = Callable[[str, dict[str, Any]], str]


@dataclass(frozen=True)
class Change:
    part: str
    removed: list[str]
    added: list[str]
