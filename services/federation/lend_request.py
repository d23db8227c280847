"""Another library's request for experts as the protocol says it (docs/federation.md, draws):
read and checked field by field, a refusal naming the first field that is not as it should
be; and a change of its evaluation, checked as the request's."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.common.errors import BadInput
from services.draws.setup import PeerOrder
from services.federation.fee_terms import read_terms
from services.federation.keys import Peer
from services.federation.persons_key import Persons, legacy
from services.reference import Reference

COUNT_MAX = 50
UNITS_MAX = 50
REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{4,40}$")
NOTICE_FIELDS = ("venue", "city", "street", "contact_name", "contact_phone")


def _text(data: dict[str, Any], key: str, limit: int, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadInput("federation.bad_request", field=key)
    return value.strip()[:limit]


def _when(data: dict[str, Any], key: str) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(data, key, 40))
    except ValueError:
        raise BadInput("federation.bad_request", field=key) from None
    if moment.tzinfo is None:
        raise BadInput("federation.bad_request", field=key)
    return moment


@dataclass(frozen=True)
class Asked:
    request_id: str
    nonce: str
    order: PeerOrder
    # avoided persons: hashes under a key the two libraries derive
    persons: Persons = field(default_factory=lambda: Persons({}))


HEX64 = re.compile(r"^[0-9a-f]{64}$")


HEX16 = re.compile(r"^[0-9a-f]{16}$")


def _hashes(sent: object) -> frozenset[str]:
    if not isinstance(sent, list) or len(sent) > UNITS_MAX or not all(
            isinstance(h, str) and HEX64.match(h) for h in sent):
        raise BadInput("federation.bad_request", field="avoid_persons")
    return frozenset(sent)


def _persons(body: dict[str, Any]) -> Persons:
    """The avoided persons (persons_key.py): for each of this library's keys (at most two,
    during a rotation) at most 50 hex SHA-256 HMACs, and which of the asker's keys made
    them; a 1.1 asker's single set with its key; none sent (version 1.0) is none."""
    sent = body.get("avoid_persons")
    if sent is None:
        return Persons({})
    if not isinstance(sent, dict):
        raise BadInput("federation.bad_request", field="avoid_persons")
    if "sets" in sent:
        sets, by = sent.get("sets"), sent.get("by", "")
        if not isinstance(sets, list) or len(sets) > 2 or not all(
                isinstance(one, dict) and HEX16.match(str(one.get("for", "")))
                for one in sets):
            raise BadInput("federation.bad_request", field="avoid_persons")
        read = {str(one["for"]): _hashes(one.get("hashes")) for one in sets}
        read = {k: v for k, v in read.items() if v}
        if read and not (isinstance(by, str) and HEX16.match(by)):
            raise BadInput("federation.bad_request", field="avoid_persons")
        return Persons(read, by if read else "")
    if "hashes" not in sent:  # kept after the decision: how many there were, nothing more
        return Persons({})
    hashes = _hashes(sent.get("hashes"))
    if not hashes:
        return Persons({})
    key = legacy(str(sent.get("key", "")))
    if not key:
        raise BadInput("federation.bad_request", field="avoid_persons")
    return Persons({"": hashes}, legacy_key=key)


def _supervisor(body: dict[str, Any]) -> tuple[str, str]:
    sent = body.get("supervisor")
    if sent is None:
        return "", ""
    if not isinstance(sent, dict):
        raise BadInput("federation.bad_request", field="supervisor")
    return _text(sent, "name", 128), _text(sent, "credit_code", 18, required=False)


def read_evaluation(body: dict[str, Any]) -> dict[str, Any]:
    """A change's evaluation (docs/federation.md, changes), checked as the request's."""
    start, end, notice, gather_at = _evaluation(body)
    wanted = body.get("wanted", 0)  # version 1.1: places to fill again (0: none asked)
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not 0 <= wanted <= COUNT_MAX:
        raise BadInput("federation.bad_request", field="wanted")
    return {"eval_start": start, "eval_end": end, "gather_at": gather_at, "notice": notice,
            "wanted": wanted, "records": _records(body.get("records", {})),
            "proposals": _proposals(body.get("proposals", {}))}


PROPOSAL_KINDS = ("deviation", "objective")


def _proposals(sent: Any) -> dict[str, list[dict[str, Any]]]:
    """Version 1.2's confirmed score proposals about our experts, by verification code:
    each its id there, kind, the scores behind it, the mark and the agency's reason;
    checked, capped, nothing else kept."""
    if not isinstance(sent, dict) or len(sent) > COUNT_MAX:
        raise BadInput("federation.bad_request", field="proposals")
    out: dict[str, list[dict[str, Any]]] = {}
    for code, items in sent.items():
        if not (isinstance(code, str) and code.isdigit() and len(code) <= 8) \
                or not isinstance(items, list) or len(items) > 20:
            raise BadInput("federation.bad_request", field="proposals")
        for p in items:
            detail = p.get("detail") if isinstance(p, dict) else None
            scores = detail.get("scores") if isinstance(detail, dict) else None
            if not isinstance(p, dict) or not isinstance(p.get("id"), int) \
                    or p.get("kind") not in PROPOSAL_KINDS or not isinstance(scores, list) \
                    or len(scores) > 200 or not all(isinstance(s, dict) for s in scores):
                raise BadInput("federation.bad_request", field="proposals")
        out[code] = [{"id": p["id"], "kind": p["kind"], "detail": {
            "scores": [{k: str(s.get(k, ""))[:64] for k in SCORE_KEYS}
                       for s in p["detail"]["scores"]],
            "threshold": str(p["detail"].get("threshold", ""))[:8]},
            "mark": str(p.get("mark", ""))[:32], "mark_name": str(p.get("mark_name", ""))[:64],
            "reason": str(p.get("reason", ""))[:200], "at": str(p.get("at", ""))[:40]}
            for p in items]
    return out


# a score as a proposal shows it (services/evaluation/scores.py _shown)
SCORE_KEYS = ("bidder", "bidder_name", "criterion", "criterion_name", "value", "median",
              "maximum", "percent")


def _evaluation(body: dict[str, Any]) -> tuple[datetime, datetime, dict[str, str], datetime]:
    """The times and the 副场's notice (its gathering time apart), checked in that order."""
    start, end = _when(body, "eval_start"), _when(body, "eval_end")
    if end <= start:
        raise BadInput("federation.bad_request", field="eval_end")
    notice = body.get("notice")
    if not isinstance(notice, dict):
        raise BadInput("federation.bad_request", field="notice")
    for key in NOTICE_FIELDS:
        _text(notice, key, 64)
    return start, end, {k: str(v)[:64] for k, v in notice.items() if k != "gather_at"}, \
        _when(notice, "gather_at")


def _records(sent: Any) -> dict[str, dict[str, Any]]:
    """Version 1.1's performance records of our experts, by verification code: checked,
    capped; nothing else kept."""
    if not isinstance(sent, dict) or len(sent) > COUNT_MAX:
        raise BadInput("federation.bad_request", field="records")
    out = {}
    for code, r in sent.items():
        conduct = r.get("conduct", []) if isinstance(r, dict) else None
        score = r.get("score") if isinstance(r, dict) else None
        if not (isinstance(code, str) and code.isdigit() and len(code) <= 8) \
                or not isinstance(r, dict) or not isinstance(conduct, list) \
                or len(conduct) > 20 or not all(isinstance(c, dict) for c in conduct) \
                or not (score is None or (isinstance(score, int) and not isinstance(
                    score, bool) and 0 <= score <= 100)):
            raise BadInput("federation.bad_request", field="records")
        out[code] = {"late": r.get("late") is True, "left_early": r.get("left_early") is True,
                     "conduct": [{"code": str(c.get("code", ""))[:16],
                                  "name": str(c.get("name", ""))[:64]} for c in conduct],
                     "score": score, "comment": str(r.get("comment", ""))[:500],
                     "absent": r.get("absent") is True}
    return out


def read_request(peer: Peer, body: dict[str, Any]) -> Asked:
    """The request as the protocol says (docs/federation.md), checked: BadInput naming the
    first field that is not as it should be."""
    request_id = _text(body, "request_id", 40)
    if not REQUEST_ID.match(request_id):
        raise BadInput("federation.bad_request", field="request_id")
    specialty = _text(body, "specialty", 16)
    if Reference.catalogue().get(specialty) is None:
        raise BadInput("federation.bad_request", field="specialty")
    region = _text(body, "region", 6)
    if not (region.isdigit() and len(region) == 6) \
            or not Reference.regions().known(Reference.regions.normalise(region)):
        raise BadInput("federation.bad_request", field="region")
    count = body.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= COUNT_MAX:
        raise BadInput("federation.bad_request", field="count")
    start, end, notice, gather_at = _evaluation(body)
    units = body.get("avoid_units", [])
    if not isinstance(units, list) or len(units) > UNITS_MAX or not all(
            isinstance(u, dict) for u in units):
        raise BadInput("federation.bad_request", field="avoid_units")
    pairs = [(_text(u, "name", 128), _text(u, "credit_code", 18, required=False))
             for u in units]
    read_terms(body.get("fee"))  # the 主场's rule and standard, if sent: checked here
    nonce = body.get("nonce", "")
    if not isinstance(nonce, str):
        raise BadInput("federation.bad_request", field="nonce")
    persons = _persons(body)
    return Asked(request_id, nonce.strip()[:32], PeerOrder(
        library=peer.name, project=_text(body, "project", 128, required=False) or "副场评标",
        specialty=specialty, region=Reference.regions.normalise(region), count=count,
        eval_start=start, eval_end=end, notice=notice, gather_at=gather_at, units=pairs,
        supervisor=_supervisor(body)), persons)
