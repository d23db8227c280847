"""The fees of the experts we lend (FG-807: the 副场's experts paid by the library that lent
them, by the rule agreed in the request; the asking agency funds them — docs/federation.md,
fees). A day after the evaluation is over here (or sooner, from the 副场's desk), the sheet
is held at the agreed rule's amounts (those the desk recorded otherwise kept, with their
reasons) and sent to the asker;
every change of it — funded, approved, returned, each fee paid — is sent again as the whole
sheet, numbered one past the last the asker acknowledged, until it answers (backoff). The
asker's funding (its bank transfer's reference, or our WeChat Pay QR code) submits the sheet
to our finance as an agency's would; finance approves, tax is withheld and each expert paid
here, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from models.draws import ActivityKind, DrawActivity, DrawStatus
from models.federated_draws import PeerDraw
from models.money.payouts import FeeChannel, FeeChannelChoice, FeeFunding, FundingState
from services.audit import AuditChain
from services.common.errors import BadInput, Conflict, NotFound
from services.common.pii import mask_name
from services.draws.facts import Actor, OperationLog
from services.federation.keys import Peer
from services.federation.peers import PeerDesk, PeerRefused, PeerUnavailable
from services.fees import FeeSheets, Funding

KEPT = timedelta(days=120)  # changes of a sheet sent until 120 days after its evaluation
# offered by itself a day after the evaluation is over: the 副场's centre has that day to
# record another amount (with its reason) or to send it sooner from its desk
OFFER_AFTER = timedelta(days=1)
REFERENCE_MAX = 40  # the asker's own reference; ours adds its library's name
SYSTEM = OperationLog.SYSTEM


async def sheet_for_peer(activity: DrawActivity) -> dict[str, Any] | None:
    """The sheet as the asker reads it: its state, total and each fee by the expert's code
    (the name masked), or None while none is held."""
    funding = await FeeFunding.get_or_none(activity_id=activity.id)
    if funding is None:
        return None
    sheet = await FeeSheets.sheet(activity)
    return {"state": funding.state, "total_fen": funding.total_fen,
            "reference": funding.reference, "returned_reason": funding.returned_reason,
            "experts": [{
                "code": r.invitation.code, "name": mask_name(r.name),
                "supplementary": r.invitation.supplementary,
                "amount_fen": r.invitation.fee_fen,
                "computed_fen": r.computed.total_fen if r.computed else None,
                "reason": r.invitation.fee_reason or "", "paid": r.invitation.fee_paid}
                for r in sheet.rows]}


def _settled(draw: PeerDraw) -> bool:
    """The asker has the sheet approved and every fee paid: nothing more can change, so it
    is not read again every sweep."""
    sent = draw.fees or {}
    return sent.get("state") == FundingState.APPROVED and bool(sent.get("experts")) and all(
        e.get("paid") for e in sent["experts"])


class LendFees:
    def __init__(self, desk: PeerDesk | None, audit: AuditChain,
                 funding: Funding | None = None) -> None:
        self.desk = desk
        self.audit = audit
        self.funding = funding

    @staticmethod
    async def offer(activity: DrawActivity, actor: Actor, now: datetime) -> FeeFunding:
        """The sheet held for the asker's funding: each fee not yet recorded at the agreed
        rule's amount (BadInput where no standard gives one: the desk records it), paid
        here (the platform: we pay our own experts). A sheet returned by our finance is
        offered again as corrected; one submitted or approved stays as it is."""
        if activity.kind != ActivityKind.PEER or activity.parent_id is not None:
            raise NotFound("draw.not_found")
        sheet = await FeeSheets.sheet(activity)
        missing = [r for r in sheet.rows if r.invitation.fee_fen is None and r.computed is None]
        if missing:
            raise BadInput("funding.incomplete", count=len(missing))
        await FeeChannelChoice.get_or_create(activity_id=activity.id, defaults={
            "channel": FeeChannel.PLATFORM, "chosen_by": actor.person_id or 0, "chosen_at": now})
        for r in sheet.rows:
            if r.invitation.fee_fen is None and r.computed is not None:
                await FeeSheets.record(activity, r.invitation.id, r.computed.total_fen, False,
                                       "", now, actor)
        funding = await Funding.hold(activity, actor, now)
        await PeerDraw.filter(activity_id=activity.id).update(fees_at=None, fees_tries=0)
        return funding

    async def sweep(self, now: datetime) -> int:
        """Offer the sheet of each evaluation over here that has none yet, then send each
        sheet the asker has not acknowledged as it stands; how many were sent."""
        sent = 0
        for draw in await PeerDraw.filter(activity_id__not_isnull=True,
                                          status__in=["drawing", "cancelled"]).order_by("id"):
            activity = await DrawActivity.get_or_none(id=draw.activity_id)
            if activity is None or activity.status not in (DrawStatus.ENDED,
                                                           DrawStatus.WITHDRAWN) or (
                    activity.eval_end + KEPT < now):
                continue
            if not await FeeFunding.exists(activity_id=activity.id):
                over_at = activity.finished_at or activity.eval_end
                if over_at + OFFER_AFTER > now or not await FeeSheets.closed(activity):
                    continue
                try:
                    await self.offer(activity, SYSTEM, now)
                except (BadInput, Conflict):
                    continue  # nothing to pay, or amounts the desk must record
            if self.desk is None or self.desk.call is None or (
                    draw.fees_at is not None and draw.fees_at > now) or _settled(draw):
                continue
            sheet = await sheet_for_peer(activity)
            if sheet is None or sheet == draw.fees:
                continue
            held = now + self.desk.pace.claim
            if not await PeerDraw.filter(id=draw.id, fees_seq=draw.fees_seq,
                                         fees_at=draw.fees_at).update(fees_at=held):
                continue  # another worker's sweep has it
            await self.send(draw, sheet, now)
            sent += 1
        return sent

    async def send(self, draw: PeerDraw, sheet: dict[str, Any], now: datetime) -> None:
        assert self.desk is not None and self.desk.call is not None
        peer = self.desk.federation.peer(draw.peer_code)
        if peer is None:
            return
        seq = draw.fees_seq + 1
        try:
            said = await self.desk.call(
                peer, "POST", f"/federation/v1/asks/{draw.request_id}/fees",
                int(now.timestamp()), data={"seq": seq, "sheet": sheet})
            acknowledged = said.get("seq")
            if not isinstance(acknowledged, int) or acknowledged < seq:
                raise PeerUnavailable("an answer that does not acknowledge the sheet")
        except (PeerRefused, PeerUnavailable):
            wait = self.desk.pace.retry_after(draw.fees_tries)
            await PeerDraw.filter(id=draw.id).update(fees_tries=draw.fees_tries + 1,
                                                     fees_at=now + wait)
            return
        await PeerDraw.filter(id=draw.id).update(fees=sheet, fees_seq=seq, fees_tries=0,
                                                 fees_at=None)
        await self._audit("fees_sent", draw, now, seq=seq, state=sheet["state"],
                          fen=sheet["total_fen"])

    async def _held(self, peer: Peer, request_id: str) -> tuple[PeerDraw, DrawActivity,
                                                                FeeFunding]:
        draw = await PeerDraw.get_or_none(peer_code=peer.code, request_id=request_id[:40])
        if draw is None or draw.activity_id is None:
            raise NotFound("federation.no_request")
        funding = await FeeFunding.get_or_none(activity_id=draw.activity_id)
        if funding is None:
            raise NotFound("funding.not_found")
        return draw, await DrawActivity.get(id=draw.activity_id), funding

    async def funded(self, peer: Peer, request_id: str, body: dict[str, Any],
                     now: datetime) -> dict[str, Any]:
        """The asking agency transferred the sheet's total and says so with its reference:
        the sheet goes to our finance. Said again (a retry after a lost answer), the same
        answer; for another total than the one held, refused in words."""
        reference, total = body.get("reference"), body.get("total_fen")
        if not isinstance(reference, str) or not 1 <= len(reference.strip()) <= REFERENCE_MAX:
            raise BadInput("federation.bad_request", field="reference")
        if isinstance(total, bool) or not isinstance(total, int):
            raise BadInput("federation.bad_request", field="total_fen")
        draw, activity, funding = await self._held(peer, request_id)
        ours = f"{draw.peer_name}：{' '.join(reference.split())}"
        if funding.state in (FundingState.SUBMITTED, FundingState.APPROVED) \
                and funding.reference == ours:
            return {"request_id": draw.request_id, "state": funding.state, "applied": False}
        if total != funding.total_fen:
            raise Conflict("funding.total_changed", total=f"{funding.total_fen / 100:.2f}")
        if funding.state != FundingState.PAYING:
            raise Conflict("federation.fees_not_waiting")
        assert self.funding is not None
        actor = Actor("agency", 0, f"{draw.peer_name}（请求方）")
        done = await self.funding.submit(activity, ours, actor, now)
        await PeerDraw.filter(id=draw.id).update(fees_at=None, fees_tries=0)
        await self._audit("fees_funded", draw, now, fen=total)
        return {"request_id": draw.request_id, "state": done.state, "applied": True}

    async def checkout(self, peer: Peer, request_id: str, now: datetime) -> dict[str, Any]:
        """The asking agency pays the sheet's total by WeChat Pay to our merchant account:
        the QR code's order (the same one while it is payable)."""
        draw, activity, funding = await self._held(peer, request_id)
        if funding.state != FundingState.PAYING:
            raise Conflict("federation.fees_not_waiting")
        assert self.funding is not None
        native, _ = await self.funding.checkout(
            activity, 0, None, Actor("agency", 0, f"{draw.peer_name}（请求方）"), now)
        await self._audit("fees_checkout", draw, now, fen=funding.total_fen)
        return {"request_id": draw.request_id, "code_url": native.order.code_url or "",
                "total_fen": native.item.amount_fen, "expires_at": native.deadline.isoformat()}

    async def _audit(self, what: str, draw: PeerDraw, now: datetime, **detail: Any) -> None:
        await self.audit.append("federation", now, person_id=0, peer=draw.peer_code,
                                peer_name=draw.peer_name, what=what,
                                request=draw.request_id, **detail)
