"""Another library asks this one for experts (NDRC-26 异地抽取; FG-807 主场/副场): N experts
of a specialty for a 副场 in this library's region. The request is kept as received; it is
decided as the peer's `accept` says (auto: the standing rule accepts at once; never:
refused; admin: this library's system administrator decides, with a reason for a refusal).
Accepted, it becomes a draw of this library's own (services/draws/setup/for_peer.py): its
own seed committed and published, started with the asking handler's value, its own experts
invited through its own channels. The asking library is answered only what it needs: per
confirmed expert a masked name, the specialty and the verification code."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from models import column
from models.draws import DrawActivity, DrawStatus
from models.experts import ExpertProfile, ExpertSpecialty
from models.federated_draws import PeerDraw
from models.people import Person, Role, RoleGrant
from services.audit import AuditChain
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotFound
from services.common.pending import Pending
from services.common.pii import Vault
from services.draws import Draws
from services.draws.facts import Actor
from services.draws.followups import LentDesk
from services.draws.setup import PeerSetup
from services.federation.keys import Peer
from services.federation.lend_fees import LendFees
from services.federation.lend_request import Asked, read_evaluation, read_request
from services.federation.lend_rosters import LendRosters
from services.federation.peers import PeerDesk
from services.fees import Funding
from services.reference import Reference

SYSTEM = Actor("system", None, "系统")


LISTED = 100


@dataclass(frozen=True)
class Lent:
    """A request another library made, as this library's administrator reads it."""

    id: int
    peer_code: str
    peer_name: str
    request_id: str
    specialty: str
    region: str
    count: int
    state: str
    reason: str
    received_at: datetime
    eval_start: str
    venue: str
    activity_id: int | None


def state_of(draw: PeerDraw, activity: DrawActivity | None) -> str:
    """pending / refused / drawing / done / short / cancelled."""
    if activity is None or draw.status == "cancelled":
        return draw.status
    if activity.status in (DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.VERIFIED):
        return "drawing"
    return "done" if activity.end_reason == "complete" else "short"


class PeerLending:
    """This library's side of a draw it makes for another."""

    # a necessary condition of its rosters' and fees' sweeps (services/common/pending.py):
    # each reads only the requests accepted here, those with a draw of ours
    PENDING = Pending("peer_lends",
                      "EXISTS (SELECT 1 FROM peer_draw WHERE activity_id IS NOT NULL)")

    def __init__(self, draws: Draws, audit: AuditChain, vault: Vault | None = None,
                 desk: PeerDesk | None = None, funding: Funding | None = None) -> None:
        # the draw made here (started, ended, its experts released by a 退选 by the system,
        # told a changed gathering time)
        self.draws = draws
        self.audit = audit
        self.vault = vault  # to tell our experts among the persons the asker avoids
        self.desk = desk  # our identity and the asker's keys: the avoided persons' key
        # the 副场's roster, sent to the asker; the asker's records written on our experts'
        self.rosters = LendRosters(desk, audit, draws.record.performance)
        self.fees = LendFees(desk, audit, funding)  # our experts' fee sheet, sent and funded

    def _persons_of(self, asked: Asked, peer_code: str) -> tuple[frozenset[str], bytes]:
        """The hashes the asker made for this library's key and the key to read them,
        derived here from our private key and the asker's registered one (persons_key.py);
        Conflict in words when they cannot be read with the keys held now."""
        federation = self.desk.federation if self.desk is not None else None
        me = federation.identity if federation is not None else None
        peer = federation.peer(peer_code) if federation is not None else None
        if not asked.persons.sets or me is None:
            return frozenset(), b""
        theirs = [k for k in (peer.public_key, peer.second_key) if k] if peer else []
        try:
            return asked.persons.hashes_and_key(me, theirs, asked.request_id)
        except ValueError:  # BadKey, or a key X25519 refuses
            raise Conflict("federation.persons_key") from None

    async def _ours_among(self, asked: Asked, peer_code: str) -> tuple[int, ...]:
        """Our experts of the asked specialty whose ID number, under the request's key,
        is among the hashes the asker sent: each opened here, none kept or sent."""
        hashes, key = self._persons_of(asked, peer_code)
        if not hashes or self.vault is None:
            return ()
        experts = await column(ExpertSpecialty.filter(
            code__startswith=asked.order.specialty), "expert_id")
        people = dict(await ExpertProfile.filter(id__in=set(experts)).values_list(
            "person_id", "id"))
        found = []
        for person_id, sealed in await Person.filter(id__in=list(people)).values_list(
                "id", "id_number_enc"):
            number = self.vault.decrypt(str(sealed)).upper().encode()
            if hmac.new(key, number, hashlib.sha256).hexdigest() in hashes:
                found.append(int(people[person_id]))
        return tuple(sorted(found))

    @staticmethod
    async def _forget_key(draw: PeerDraw) -> None:
        """Decided: the hashes (and a 1.1 asker's key) are not kept (with the key, a hash
        could be tried against guessed numbers), only how many persons there were."""
        sent = draw.request.get("avoid_persons")
        if isinstance(sent, dict) and ("key" in sent or "sets" in sent):
            sets = sent["sets"] if isinstance(sent.get("sets"), list) else [sent]
            count = max((len(one.get("hashes") or []) for one in sets
                         if isinstance(one, dict)), default=0)
            kept = {**draw.request, "avoid_persons": {"count": count}}
            await PeerDraw.filter(id=draw.id).update(request=kept)

    async def receive(self, peer: Peer, body: dict[str, Any], now: datetime) -> PeerDraw:
        """Keep the request and decide it as the peer's `accept` says. The same request id
        again is the same request (an asker retrying after a lost answer): its state."""
        asked = read_request(peer, body)
        found = await PeerDraw.get_or_none(peer_code=peer.code, request_id=asked.request_id)
        if found is not None:
            return await self._resume(found, peer, now)
        try:  # hashed for our key by one of theirs we know: readable when decided
            self._persons_of(asked, peer.code)
        except Conflict:
            raise BadInput("federation.bad_request", field="avoid_persons") from None
        if asked.order.eval_end <= now:  # nothing left to draw for
            raise BadInput("federation.bad_request", field="eval_end")
        draw = await PeerDraw.create(
            peer_code=peer.code, peer_name=peer.name[:64], request_id=asked.request_id,
            specialty=asked.order.specialty, region=asked.order.region,
            count=asked.order.count, request=body, received_at=now)
        await self._audit("draw_received", draw, now)
        if peer.accept == "auto":
            return await self._accept(draw, now, None)
        if peer.accept == "never":
            return await self._refuse(draw, now, None, "")
        await self._tell_admins(draw, asked.order.eval_start, now)
        return draw

    async def _tell_admins(self, draw: PeerDraw, eval_start: datetime, now: datetime) -> None:
        """A request waiting on a decision here: each active system administrator told at
        once, with the desk's page (the request's own dedupe: once per request and person)."""
        waiting = await PeerDraw.filter(status="pending").count()
        async with self.draws.running.waves.outbox.change(now) as change:
            for person_id in await RoleGrant.holders(Role.ADMIN, now):
                await change.notify("draw.lent_asked", {
                    "library": draw.peer_name, "count": draw.count, "n": waiting,
                    "eval_start": china_time(eval_start), "at": china_time(now)},
                    person_id=person_id, dedupe_key=f"lent-asked:{draw.id}:{person_id}")

    async def decide(self, draw_id: int, accept: bool, reason: str, now: datetime,
                     person_id: int) -> PeerDraw:
        """The system administrator's decision on a request waiting for one; a refusal
        says why."""
        draw = await PeerDraw.get_or_none(id=draw_id)
        if draw is None:
            raise NotFound("federation.no_request")
        if draw.status != "pending":
            raise Conflict("federation.decided")
        if accept:
            return await self._accept(draw, now, person_id)
        if not reason.strip():
            raise BadInput("federation.refusal_reason")
        return await self._refuse(draw, now, person_id, reason.strip()[:200])

    async def _resume(self, draw: PeerDraw, peer: Peer, now: datetime) -> PeerDraw:
        """The same request again (an asker retrying after a lost answer): its state, and a
        decision a crash here cut short finished first — the standing rule's acceptance not
        yet made, or a draw accepted and not yet started."""
        if draw.status == "pending" and peer.accept == "auto":
            return await self._accept(draw, now, None)
        activity = await DrawActivity.get_or_none(id=draw.activity_id) \
            if draw.status == "drawing" and draw.activity_id else None
        if activity is not None and activity.status == DrawStatus.VERIFIED:
            nonce = str(draw.request.get("nonce") or "").strip()[:32]
            await self.draws.running.lifecycle.start(activity.id, now, SYSTEM, nonce)
            await self._audit("draw_started", draw, now, activity=activity.id,
                              seed_hash=activity.seed_hash or "", nonce=nonce)
        return await PeerDraw.get(id=draw.id)

    async def _accept(self, draw: PeerDraw, now: datetime, person_id: int | None
                      ) -> PeerDraw:
        asked = read_request(Peer(draw.peer_code, draw.peer_name, "", ""), draw.request)
        if asked.order.eval_end <= now:  # decided too late: the evaluation is over
            raise Conflict("federation.too_late")
        async with in_transaction():
            if not await PeerDraw.filter(id=draw.id, status="pending").update(
                    status="drawing", decided_by=person_id, decided_at=now):
                raise Conflict("federation.decided")
            avoided = await self._ours_among(asked, draw.peer_code)
            activity = await PeerSetup.prepare_for_peer(
                replace(asked.order, avoid_experts=avoided), now)
            await PeerDraw.filter(id=draw.id).update(activity_id=activity.id)
            await self._forget_key(draw)
            await self._audit("draw_accepted", draw, now, person_id, activity=activity.id,
                              avoided=len(avoided))
        await self.draws.running.lifecycle.start(activity.id, now, SYSTEM, asked.nonce)
        await self._audit("draw_started", draw, now, activity=activity.id,
                          seed_hash=activity.seed_hash or "", nonce=asked.nonce)
        return await PeerDraw.get(id=draw.id)

    async def _refuse(self, draw: PeerDraw, now: datetime, person_id: int | None,
                      reason: str) -> PeerDraw:
        if not await PeerDraw.filter(id=draw.id, status="pending").update(
                status="refused", reason=reason, decided_by=person_id, decided_at=now):
            raise Conflict("federation.decided")
        await self._forget_key(draw)
        await self._audit("draw_refused", draw, now, person_id)
        return await PeerDraw.get(id=draw.id)

    async def cancel(self, peer: Peer, request_id: str, now: datetime,
                     release: str = "") -> None:
        """The asking library's draw stopped: ours for it stops too (no new invitation; those
        out may still be answered, as at any force end). Asked to release (`release`: the
        words why, the asker having drawn the condition itself or withdrawn its evaluation),
        ours is withdrawn and every expert who confirmed is told, once however often the
        asker says it."""
        draw = await PeerDraw.get_or_none(peer_code=peer.code, request_id=request_id[:40])
        if draw is None:
            raise NotFound("federation.no_request")
        activity = await DrawActivity.get_or_none(id=draw.activity_id) \
            if draw.activity_id else None
        if draw.status != "cancelled":
            await PeerDraw.filter(id=draw.id).update(status="cancelled")
            if activity is not None and activity.status in (DrawStatus.DRAWING,
                                                            DrawStatus.PAUSED):
                await self.draws.running.lifecycle.force_end(activity.id, now, SYSTEM,
                                                             "请求方专家库已取消本次请求")
            await self._audit("draw_cancelled", draw, now)
        if release and activity is not None and activity.status != DrawStatus.WITHDRAWN:
            told = await self.draws.followups.withdrawals.release_for_asker(
                activity.id, release, now, SYSTEM)
            await self._audit("draw_released", draw, now, released=told)

    async def update(self, peer: Peer, request_id: str, body: dict[str, Any],
                     now: datetime) -> dict[str, Any]:
        """The asker's evaluation as it stands now, numbered (docs/federation.md, changes):
        applied once, in order — a number at or below the last applied is acknowledged and
        changes nothing — to our draw's times and its one notice; the experts who confirmed
        are told a new gathering time or place at once."""
        draw = await PeerDraw.get_or_none(peer_code=peer.code, request_id=request_id[:40])
        if draw is None:
            raise NotFound("federation.no_request")
        seq = body.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise BadInput("federation.bad_request", field="seq")
        changed = read_evaluation(body)
        if seq <= draw.seq:
            return {"request_id": draw.request_id, "seq": draw.seq, "applied": False}
        told = 0
        activity = await DrawActivity.get_or_none(id=draw.activity_id) \
            if draw.activity_id else None
        async with in_transaction():
            if not await PeerDraw.filter(id=draw.id, seq=draw.seq).update(
                    seq=seq, wanted=changed["wanted"], records=changed["records"],
                    proposals=changed["proposals"] or None):
                raise Conflict("federation.decided")  # another applied it meanwhile
            if activity is not None and activity.status not in (DrawStatus.WITHDRAWN,
                                                                DrawStatus.CANCELLED):
                told = await PeerSetup.apply_change(activity, changed, now,
                                                    self.draws.venue.attendance)
        if activity is not None and changed["wanted"] > draw.wanted:  # a 补抽 asked for
            await LentDesk.tell_wanted(self.draws.running.waves.outbox, activity,
                                       draw.peer_name, changed["wanted"], now)
        await self._audit("draw_updated", draw, now, seq=seq, told=told)
        return {"request_id": draw.request_id, "seq": seq, "applied": True, "told": told}

    async def answer(self, peer: Peer, request_id: str, now: datetime) -> dict[str, Any]:
        """The request's state and, per confirmed expert, only what the asker needs; on
        the audit trail each time it says something new (the asker polls)."""
        draw = await PeerDraw.get_or_none(peer_code=peer.code, request_id=request_id[:40])
        if draw is None:
            raise NotFound("federation.no_request")
        activity = await DrawActivity.get_or_none(id=draw.activity_id) \
            if draw.activity_id else None
        state = state_of(draw, activity)
        # released (withdrawn here at the asker's word): nobody of ours serves it any more
        released = activity is not None and activity.status == DrawStatus.WITHDRAWN
        experts = await PeerSetup.confirmed_for_peer(activity.id) if activity is not None else []
        count, experts = (len(experts), []) if released else (0, experts)
        said = f"{state}:{len(experts)}"
        if draw.answered != said:
            await PeerDraw.filter(id=draw.id).update(answered=said)
            await self._audit("draw_answered", draw, now, state=state,
                              confirmed=len(experts))
        return {"request_id": draw.request_id, "status": state, "reason": draw.reason,
                "count": draw.count, "specialty": draw.specialty,
                "region": Reference.regions.to_gb(draw.region), "confirmed": len(experts),
                "experts": experts, "released": count}

    async def listing(self) -> list[Lent]:
        """The latest requests, newest first, each with where it stands."""
        draws = await PeerDraw.all().order_by("-id").limit(LISTED)
        activities = {a.id: a for a in await DrawActivity.filter(
            id__in=[d.activity_id for d in draws if d.activity_id])}
        out = []
        for d in draws:
            activity = activities.get(d.activity_id or 0)
            notice = d.request.get("notice") or {}
            out.append(Lent(d.id, d.peer_code, d.peer_name, d.request_id, d.specialty,
                            d.region, d.count, state_of(d, activity), d.reason, d.received_at,
                            str(d.request.get("eval_start", "")),
                            f"{notice.get('venue', '')}（{notice.get('city', '')}"
                            f"{notice.get('district', '')}{notice.get('street', '')}）",
                            d.activity_id))
        return out

    async def _audit(self, what: str, draw: PeerDraw, now: datetime,
                     person_id: int | None = None, **detail: Any) -> None:
        await self.audit.append("federation", now, person_id=person_id or 0,
                                peer=draw.peer_code, peer_name=draw.peer_name, what=what,
                                request=draw.request_id, **detail)
