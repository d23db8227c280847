"""The fees of experts another library lent for our 副场 (FG-807: paid by the library that
lent them, by the rule our request carried; our agency funds them — docs/federation.md,
fees): the lending library's sheet is applied once and in order, its agency told; the agency
funds it from its fee page — the lender's WeChat Pay QR code (asked of the lender as it is
shown), or its bank transfer's reference, kept here and told to the lender until it
acknowledges, so nothing is funded twice and nothing is lost with either side down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.federated_draws import PeerAsk
from services.audit import AuditChain
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotFound, Unavailable
from services.draws.news import AgencyNews
from services.federation.keys import Peer
from services.federation.peers import PeerDesk, PeerRefused, PeerUnavailable

STATES = ("paying", "submitted", "approved", "returned")
EXPERTS_MAX = 50
MAX_FEN = 100_000_000
REFERENCE_MAX = 40


@dataclass(frozen=True)
class LentSheet:
    """One lending library's sheet as the agency reads it, with its own funding."""

    condition_id: int
    library: str
    sheet: dict[str, Any]
    funding: dict[str, Any] | None  # {"reference", "by", "at", "total_fen"}
    told: bool  # the lender has the funding


def _fen(value: Any, field: str, empty: bool = False) -> int | None:
    if value is None and empty:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEN:
        raise BadInput("federation.bad_request", field=field)
    return value


def read_sheet(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    seq, sheet = body.get("seq"), body.get("sheet")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise BadInput("federation.bad_request", field="seq")
    if not isinstance(sheet, dict) or sheet.get("state") not in STATES:
        raise BadInput("federation.bad_request", field="sheet")
    rows = sheet.get("experts")
    if not isinstance(rows, list) or len(rows) > EXPERTS_MAX or not all(
            isinstance(r, dict) for r in rows):
        raise BadInput("federation.bad_request", field="experts")
    return seq, {
        "state": sheet["state"], "total_fen": _fen(sheet.get("total_fen"), "total_fen"),
        "reference": str(sheet.get("reference", ""))[:80],
        "returned_reason": str(sheet.get("returned_reason", ""))[:200],
        "experts": [{"code": str(r.get("code", ""))[:8], "name": str(r.get("name", ""))[:16],
                     "supplementary": r.get("supplementary") is True,
                     "amount_fen": _fen(r.get("amount_fen"), "amount_fen"),
                     "computed_fen": _fen(r.get("computed_fen"), "computed_fen", True),
                     "reason": str(r.get("reason", ""))[:200], "paid": r.get("paid") is True}
                    for r in rows]}


class AskFees:
    def __init__(self, desk: PeerDesk, audit: AuditChain, news: AgencyNews) -> None:
        self.desk = desk
        self.audit = audit
        self.news = news

    async def apply(self, peer: Peer, request_id: str, body: dict[str, Any],
                    now: datetime) -> dict[str, Any]:
        """A number above the last applied replaces the sheet (the agency told when it
        first arrives, and when it is returned); one at or below changes nothing."""
        ask = await PeerAsk.get_or_none(peer_code=peer.code, request_id=request_id[:40])
        if ask is None:
            raise NotFound("federation.no_request")
        seq, sheet = read_sheet(body)
        if seq <= ask.fees_seq or not await PeerAsk.filter(
                id=ask.id, fees_seq=ask.fees_seq).update(fees_seq=seq, fees=sheet):
            return {"request_id": ask.request_id, "seq": max(seq, ask.fees_seq),
                    "applied": False}
        before = (ask.fees or {}).get("state")
        if sheet["state"] != before and (before is None or sheet["state"] == "returned"):
            await self.news.tell(
                ask.activity_id, "draw.lent_fees", now, library=ask.peer_name,
                total=f"{sheet['total_fen'] / 100:.2f}", returned=sheet["state"] == "returned",
                reason=sheet["returned_reason"])
        await self._audit("ask_fees", ask, now, seq=seq, state=sheet["state"])
        return {"request_id": ask.request_id, "seq": seq, "applied": True}

    @staticmethod
    async def sheets(activity_id: int) -> list[LentSheet]:
        return [LentSheet(a.condition_id, a.peer_name, a.fees, a.funding,
                          a.funding_told == "told")
                for a in await PeerAsk.filter(activity_id=activity_id, fees__not_isnull=True
                                              ).order_by("id") if a.fees]

    @staticmethod
    async def _waiting(activity_id: int, condition_id: int) -> PeerAsk:
        ask = await PeerAsk.get_or_none(activity_id=activity_id, condition_id=condition_id)
        if ask is None or not ask.fees:
            raise NotFound("federation.fees_none")
        if ask.fees["state"] != "paying":
            raise Conflict("federation.fees_not_waiting")
        if ask.funding_told in ("telling", "told"):  # funded once: never twice
            raise Conflict("federation.fees_telling" if ask.funding_told == "telling"
                           else "federation.fees_told")
        return ask

    async def fund(self, activity_id: int, condition_id: int, reference: str, total_fen: int,
                   person_id: int, now: datetime) -> PeerAsk:
        """The agency transferred the sheet's total to the lending library's account: its
        reference kept, and told to the lender now (or, unreachable, by the sweep)."""
        reference = " ".join(reference.split())
        if not 1 <= len(reference) <= REFERENCE_MAX:
            raise BadInput("funding.reference", most=REFERENCE_MAX)
        ask = await self._waiting(activity_id, condition_id)
        assert ask.fees is not None
        if total_fen != ask.fees["total_fen"]:
            raise Conflict("funding.total_changed", total=f"{ask.fees['total_fen'] / 100:.2f}")
        funding = {"reference": reference, "by": person_id, "at": now.isoformat(),
                   "total_fen": total_fen}
        if not await PeerAsk.filter(id=ask.id, funding_told=ask.funding_told).update(
                funding=funding, funding_told="telling", funding_at=None, funding_tries=0):
            raise Conflict("federation.fees_telling")
        await self._audit("ask_funded", ask, now, person_id=person_id, fen=total_fen)
        await self.tell(await PeerAsk.get(id=ask.id), now)
        return await PeerAsk.get(id=ask.id)

    async def tell(self, ask: PeerAsk, now: datetime) -> None:
        peer = self.desk.federation.peer(ask.peer_code)
        if peer is None or self.desk.call is None or ask.funding is None:
            return
        try:
            await self.desk.call(peer, "POST",
                                 f"/federation/v1/draws/{ask.request_id}/fees/funded",
                                 int(now.timestamp()),
                                 data={"reference": ask.funding["reference"],
                                       "total_fen": ask.funding["total_fen"]})
        except PeerRefused as exc:
            # refused in words (the total changed there, no sheet waiting): the agency
            # reads why; nothing is sent again
            await PeerAsk.filter(id=ask.id).update(funding_told="refused", funding={
                **ask.funding, "refused": exc.message[:200]}, funding_at=None)
            return
        except PeerUnavailable:
            await PeerAsk.filter(id=ask.id).update(
                funding_tries=ask.funding_tries + 1,
                funding_at=now + self.desk.pace.retry_after(ask.funding_tries))
            return
        await PeerAsk.filter(id=ask.id).update(funding_told="told", funding_at=None,
                                               funding_tries=0)
        await self._audit("ask_funding_told", ask, now)

    async def sweep(self, now: datetime) -> int:
        """Tell each lender a funding it has not acknowledged yet; how many were told."""
        told = 0
        for ask in await PeerAsk.filter(funding_told="telling").order_by("id"):
            if ask.funding_at is not None and ask.funding_at > now:
                continue
            if not await PeerAsk.filter(id=ask.id, funding_told="telling",
                                        funding_tries=ask.funding_tries).update(
                    funding_at=now + self.desk.pace.claim):
                continue
            await self.tell(ask, now)
            told += 1
        return told

    async def checkout(self, activity_id: int, condition_id: int, now: datetime
                       ) -> tuple[str, int, str]:
        """The lender's WeChat Pay QR code for the sheet's total: (code_url, total in fen,
        payable until, China time). The lender unreachable: said in words."""
        ask = await self._waiting(activity_id, condition_id)
        peer = self.desk.federation.peer(ask.peer_code)
        if peer is None or self.desk.call is None:
            raise Unavailable("federation.unavailable", peer=ask.peer_name)
        try:
            said = await self.desk.call(
                peer, "POST", f"/federation/v1/draws/{ask.request_id}/fees/checkout",
                int(now.timestamp()), data={})
        except PeerRefused as exc:
            raise Conflict("federation.fees_refused", words=exc.message) from None
        except PeerUnavailable:
            raise Unavailable("federation.unavailable", peer=ask.peer_name) from None
        code_url, total = said.get("code_url"), said.get("total_fen")
        if not isinstance(code_url, str) or not code_url.startswith("weixin://") or \
                not isinstance(total, int):
            raise Unavailable("federation.unavailable", peer=ask.peer_name)
        try:
            until = china_time(datetime.fromisoformat(str(said.get("expires_at"))))
        except ValueError:
            until = ""
        await self._audit("ask_checkout", ask, now, fen=total)
        return code_url[:128], total, until

    async def _audit(self, what: str, ask: PeerAsk, now: datetime, person_id: int = 0,
                     **detail: Any) -> None:
        await self.audit.append("federation", now, person_id=person_id, peer=ask.peer_code,
                                peer_name=ask.peer_name, what=what, request=ask.request_id,
                                activity=ask.activity_id, **detail)
