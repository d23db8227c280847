"""The fake evaluation system itself: its SM2 identity, the library it trusts (its code,
address and public key, given at start), its database, and both sides of the protocol.

Heard: `POST /committees/{activity_id}`, the library's push of a changed committee, checked
as docs/evaluation-systems.md signs it (services.federation.Trust with the evaluation
protocol; its nonces kept in the system's own database) and answered signed: a committee
numbered past the last one held is applied, `{"seq": n, "applied": true}`; the same number
again or an older one, `{"seq": last, "applied": false}`. Faults set at run time: `down`
answers 503 and applies nothing; `slow` applies, then waits that many seconds before
answering (the library may have given up: its retry is then a second delivery); `forget`
applies and answers without a number.

Said: the day's activities, a committee, the bidders, the score table (made in
sandbox/evaluation/table.py, sent again unchanged when asked again) and an event, each
answer's signature checked by the library's public key (FederationClient)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import aiohttp
from redis.asyncio import Redis

from bot.providers.federation.client import FederationClient
from sandbox.evaluation.store import SystemStore
from sandbox.evaluation.table import bidders, score_table
from services.evaluation import EVALUATION_PROTOCOL
from services.federation import (
    Federation,
    Identity,
    Keys,
    NotTrusted,
    Peer,
    PeerRefused,
    Trust,
)

CODE, NAME = "SANDBOX", "沙箱交易中心电子评标系统"
PREFIX = "/evaluation/v1/activities"
REFUSED = {"unknown_peer": "未登记的评标专家库", "not_for_us": "请求不是发给本系统的",
           "stale": "请求时间与本系统时钟相差过大", "bad_time": "请求时间无法识别",
           "bad_nonce": "请求随机数格式不对", "bad_signature": "签名核验未通过",
           "replayed": "重复的请求", "off": "本系统未启用"}


def identity_from_seed(seed: str, code: str = CODE, name: str = NAME) -> Identity:
    """A stable development identity: the same seed, the same key (the library's register
    keeps its public key across restarts)."""
    return Identity(code, name, Keys.from_seed(b"sandbox-evaluation:" + seed.encode()))


@dataclass
class Faults:
    down: bool = False
    slow: float = 0.0  # seconds before a push is answered
    forget: bool = False  # a push answered without its number

    def shown(self) -> dict[str, Any]:
        return {"down": self.down, "slow": self.slow, "forget": self.forget}


@dataclass
class Answer:
    """What the system answers a push: the status, the body, the headers (signed at 200)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class EvaluationSystemFake:
    def __init__(self, identity: Identity, store: SystemStore, library: Peer | None = None,
                 timeout: float = 10.0) -> None:
        """`library`: the library it trusts (None until it is known: every push refused)."""
        self.identity = identity
        self.store = store
        self.library = library
        self.timeout = timeout
        self.faults = Faults()
        self._session: aiohttp.ClientSession | None = None

    def trust(self) -> Trust:
        peers = {self.library.code: self.library} if self.library else {}
        # its nonces in its own database: Trust asks only SET NX EX of its "Redis"
        return Trust(Federation(self.identity, peers), cast(Redis, self.store), "",
                     EVALUATION_PROTOCOL)

    async def close(self) -> None:
        """Close its HTTP session and its database."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
        await self.store.close()

    # -- heard: the library's pushes -------------------------------------------------------

    async def _checked(self, headers: Any, path: str, body: bytes) -> Any:
        """The push's checked request, or the Answer refusing it (down, not trusted)."""
        if self.faults.down:
            return Answer(503, _json({"error": "down", "message": "评标系统维护中"}))
        try:
            return await self.trust().check_request(headers, "POST", path, body,
                                                    int(time.time()))
        except NotTrusted as exc:
            return Answer(401, _json({"error": exc.reason,
                                      "message": REFUSED.get(exc.reason, exc.reason)}))

    async def hear_review(self, headers: Any, path: str, activity_id: int, body: bytes
                          ) -> Answer:
        """The library's request that the committee re-check its scores (`path`:
        /reviews/{id}): kept once by its number, acknowledged signed every time."""
        incoming = await self._checked(headers, path, body)
        if isinstance(incoming, Answer):
            return incoming
        try:
            asked = json.loads(body)
            number = asked["review"]
            valid = isinstance(number, int) and number > 0 and asked.get(
                "activity_id") == activity_id and isinstance(asked.get("items"), list)
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            return Answer(400, _json({"error": "bad_body", "message": "复核要求格式不对"}))
        await self.store.review(activity_id, number, asked)
        out = _json({"review": number, "received": True})
        return Answer(200, out, self.trust().sign_answer(incoming, 200, out))

    async def hear(self, headers: Any, path: str, activity_id: int, body: bytes) -> Answer:
        """A push of a committee (`path` as the library signed it: /committees/{id})."""
        faults = self.faults
        incoming = await self._checked(headers, path, body)
        if isinstance(incoming, Answer):
            return incoming
        try:
            board = json.loads(body)
            seq = board["seq"]
            valid = isinstance(seq, int) and seq > 0 and board.get("activity_id") == \
                activity_id and isinstance(board.get("members"), list)
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            return Answer(400, _json({"error": "bad_body", "message": "评标委员会信息格式不对"}))
        last = await self.store.last_seq(activity_id)
        applied = seq > last and await self.store.hold(activity_id, seq, board, "push")
        answered = seq if applied else max(last, await self.store.last_seq(activity_id))
        fault = "forget" if faults.forget else "slow" if faults.slow else ""
        await self.store.heard(activity_id, seq, applied, None if faults.forget else answered,
                               fault)
        if faults.slow:
            await asyncio.sleep(faults.slow)  # applied already: the answer is what is late
        out = _json({"applied": applied} if faults.forget else
                    {"seq": answered, "applied": applied})
        return Answer(200, out, self.trust().sign_answer(incoming, 200, out))

    # -- said: what the system asks and posts ----------------------------------------------

    async def call(self, method: str, path: str, query: dict[str, str] | None = None,
                   data: dict[str, Any] | None = None) -> dict[str, Any]:
        """One signed call to the library: its checked answer; PeerRefused or
        PeerUnavailable as FederationClient raises them."""
        if self.library is None:
            raise NotTrusted("off")
        if self._session is None:
            self._session = aiohttp.ClientSession()
        client = FederationClient(self.trust(), self._session, self.timeout)
        return await client.call(self.library, method, path, int(time.time()), query, data)

    async def _send(self, activity_id: int, kind: str, method: str, path: str,
                    body: dict[str, Any], note: str = "") -> dict[str, Any]:
        """A message kept before it goes and its answer after; a refused one is kept as
        refused and never sent again as it was."""
        row = await self.store.sending(activity_id, kind, body, note)
        try:
            answer = await self.call(method, path, data=body)
        except PeerRefused as exc:
            await self.store.answered(row, {"error": exc.reason, "message": exc.message},
                                      refused=True)
            raise
        await self.store.answered(row, answer)
        return answer

    async def read_day(self, day: str) -> dict[str, Any]:
        """The evaluations of its centres starting that day (YYYY-MM-DD)."""
        return await self.call("GET", PREFIX, {"date": day} if day else None)

    async def read_committee(self, activity_id: int) -> dict[str, Any]:
        """The committee as the library numbers it, held (a read acknowledges it)."""
        board = await self.call("GET", f"{PREFIX}/{activity_id}/committee")
        await self.store.hold(activity_id, int(board["seq"]), board, "read")
        return board

    async def declare_bidders(self, activity_id: int,
                              declared: list[dict[str, str]] | None = None) -> dict[str, Any]:
        """The bid opening's bidders (the three made-up ones unless given)."""
        return await self._send(activity_id, "bidders", "PUT",
                                f"{PREFIX}/{activity_id}/bidders",
                                {"bidders": declared or bidders()})

    async def post_scores(self, activity_id: int) -> dict[str, Any]:
        """The evaluation's score table with one deviating expert, made from the committee
        held (read first if none) and the bidders declared (declared first if none); the
        table sent before, unchanged, when there is one (a replay). The library's answer
        with `deviating` (that expert's code) and `replay`."""
        before = await self.store.first_sent(activity_id, "scores")
        if before is not None:
            body, odd = before
        else:
            board = await self.store.committee(activity_id) or \
                await self.read_committee(activity_id)
            serving = [m["code"] for m in board["members"]
                       if m.get("state") == "serving" and m.get("code")]
            declared = await self.store.first_sent(activity_id, "bidders")
            if declared is None:
                await self.declare_bidders(activity_id)
                declared = await self.store.first_sent(activity_id, "bidders")
                assert declared is not None
            body, odd = score_table(activity_id, serving, declared[0]["bidders"])
        answer = await self._send(activity_id, "scores", "POST",
                                  f"{PREFIX}/{activity_id}/scores", body, odd)
        return {**answer, "deviating": odd, "replay": before is not None}

    async def post_event(self, activity_id: int, code: str = "", kind: str = "late",
                         note: str = "迟到20分钟") -> dict[str, Any]:
        """Something about an expert at the venue (the first serving member of the committee
        held unless `code` names one), now."""
        if not code:
            board = await self.store.committee(activity_id) or \
                await self.read_committee(activity_id)
            code = next((m["code"] for m in board["members"]
                         if m.get("state") == "serving" and m.get("code")), "")
        # unique however the system's database began: the library applies an event id once
        body = {"event_id": f"SBX-E-{activity_id}-{time.time_ns() // 1_000_000}",
                "expert": code, "kind": kind,
                "at": datetime.now(UTC).isoformat(timespec="seconds"), "note": note}
        answer = await self._send(activity_id, "event", "POST",
                                  f"{PREFIX}/{activity_id}/events", body)
        return {**answer, "expert": code}

    async def correct(self, activity_id: int, case: str = "extreme",
                      reason: str = "经评标委员会复核认定评分畸高，当场修改并在评标报告中记载"
                      ) -> dict[str, Any]:
        """The committee's correction (GPL-87-64) of the table first sent: the deviating
        expert's score brought to the committee's middle, sent whole with its case and
        reason under a new correction id."""
        before = await self.store.first_sent(activity_id, "scores")
        if before is None:
            raise PeerRefused("no_table", "本系统还没有提交过评分表，无法更正", 409)
        table, odd = before
        cells = [s for s in table["scores"] if s["criterion"] == "C1"
                 and s["bidder"] == table["scores"][0]["bidder"] and s["expert"] != odd]
        middle = sorted(s["value"] for s in cells)[len(cells) // 2] if cells else None
        scores = [{**s, "value": middle} if s["expert"] == odd and s["criterion"] == "C1"
                  and s["bidder"] == table["scores"][0]["bidder"] and middle is not None
                  else s for s in table["scores"]]
        body = {"correction_id": f"SBX-K-{activity_id}-{time.time_ns() // 1_000_000}",
                "case": case, "reason": reason, "table": {**table, "scores": scores}}
        return await self._send(activity_id, "correction", "POST",
                                f"{PREFIX}/{activity_id}/scores/corrections", body, odd)

    async def sign(self, activity_id: int) -> dict[str, Any]:
        """The evaluation report signed: told to the library (no correction after)."""
        return await self._send(activity_id, "signed", "POST", f"{PREFIX}/{activity_id}/report",
                                {})
