"""Every refusal docs/evaluation-systems.md names, answered as it says: its HTTP status and its
`error` code, over the signed protocol against the service. The table is read from the
document itself (a status written before a code, the 401 list, the table's checks, all 400),
so a refusal the document adds without a request here to provoke it, or a request here whose
refusal the document does not name, fails; a system built to the document retries what it
is told is a state (409) and never what it is told is wrong (400)."""

from __future__ import annotations

import io
import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from config.settings import ROOT
from models.draws import DrawActivity
from services.evaluation import EVALUATION_PROTOCOL
from services.federation import Federation, Identity, Keys, Peer, Trust
from tests.support.api import Api
from tests.support.evaluation import BIDDERS, System, end, evaluated, table
from tests.support.wechat import Chat

DOC = ROOT / "docs" / "evaluation-systems.md"


def documented(doc: Path = DOC) -> dict[str, int]:
    """Each refusal's code and the status the document gives it."""
    text = doc.read_text()
    said = {code: int(status) for status, code in re.findall(r"\b(\d{3})\s+`([a-z_]+)`", text)}
    unsigned = text[text.index("A request is refused"):text.index("Refusals of content")]
    said.update({code: 401 for code in re.findall(r"\(`([a-z_]+)`\)", unsigned)})
    whole = text[text.index("Checked whole:"):text.index("Kept once")]
    said.update({code: 400 for code in re.findall(r"\(`([a-z_]+)`\)", whole)})
    return said


class Raw:
    """Requests signed as the system signs them, then changed as a broken or hostile client
    would; the unsigned refusal's status and code."""

    def __init__(self, system: System, base: str) -> None:
        assert system.library is not None
        self.system, self.base, self.library = system, base, system.library

    def _headers(self, method: str, path: str, body: bytes, at: int,
                 me: Identity | None = None, to: str = "") -> dict[str, str]:
        peer = Peer(to or self.library.code, self.library.name, self.base,
                    self.library.public_key)
        trust = Trust(Federation(me or self.system.identity, {peer.code: peer}), None, "",
                      EVALUATION_PROTOCOL)
        return trust.sign_request(peer, method, path, body, at)

    async def send(self, method: str, path: str, body: bytes = b"",
                   headers: dict[str, str] | None = None, **signing: Any) -> tuple[int, str]:
        media = signing.pop("content_type", "application/json")
        sent = headers or self._headers(method, path, body, signing.pop("at", int(time.time())),
                                        **signing)
        sent = {**sent, "Content-Type": media}
        async with aiohttp.ClientSession() as http, http.request(
                method, self.base + path, data=io.BytesIO(body), headers=sent) as resp:
            answer = json.loads(await resp.read())
            return resp.status, answer.get("error", f"no error code: {answer}")


async def test_every_refusal_the_document_names_is_answered_with_its_status(
        client: TestClient, api: Api, chat: Chat, demo: dict) -> None:
    aid, _, served, system = await evaluated(client, api, chat, demo, 4900)
    codes = [str(i.code) for i in served]
    path = f"/evaluation/v1/activities/{aid}"
    raw = Raw(system, str(client.make_url("")).rstrip("/"))
    got: dict[str, int] = {}

    async def refused(code: str, method: str, where: str, data: Any = None) -> None:
        said = await system.refused(method, where, data)
        assert said.reason == code, (code, said.reason, said.message)
        assert said.message, code  # in words, saying what to do
        got[code] = said.status

    async def sent(code: str, status_and_code: tuple[int, str]) -> None:
        assert status_and_code[1] == code, (code, status_and_code)
        got[code] = status_and_code[0]

    # the signature's refusals (401, unsigned)
    committee = f"{path}/committee"
    stranger = Identity("NOBODY", "未登记的系统", Keys.new_private())
    await sent("unknown_peer", await raw.send("GET", committee, me=stranger))
    await sent("not_for_us", await raw.send("GET", committee, to="OTHER"))
    await sent("stale", await raw.send("GET", committee, at=int(time.time()) - 3600))
    headers = raw._headers("GET", committee, b"", int(time.time()))
    stamp, nonce, signature = EVALUATION_PROTOCOL.names()[2:5]
    await sent("bad_time", await raw.send("GET", committee, headers={**headers, stamp: "x"}))
    await sent("bad_nonce", await raw.send("GET", committee, headers={**headers, nonce: "!"}))
    await sent("bad_signature", await raw.send(
        "GET", committee, headers={**headers, signature: headers[signature][::-1]}))
    assert (await raw.send("GET", committee, headers=headers))[0] == 200
    await sent("replayed", await raw.send("GET", committee, headers=headers))
    # the body's refusals
    await sent("not_json", await raw.send("PUT", f"{path}/bidders", b'{"bidders": ['))
    await sent("content_type", await raw.send("PUT", f"{path}/bidders", b"{}",
                                              content_type="text/plain"))
    await sent("too_large", await raw.send("PUT", f"{path}/bidders",
                                           b" " * (2 * 1024 * 1024 + 1)))
    await refused("no_activity", "GET", "/evaluation/v1/activities/987654321/committee")
    # states: the committee sealed until 30 minutes before, the scores before the end and
    # before the bidders
    now = datetime.now(UTC)
    before = await DrawActivity.get(id=aid)
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(hours=2))
    await refused("sealed", "GET", committee)
    await DrawActivity.filter(id=aid).update(eval_start=before.eval_start)
    await end(aid)
    await refused("no_bidders", "POST", f"{path}/scores", table(codes))
    await DrawActivity.filter(id=aid).update(eval_end=before.eval_end, finished_at=None)
    assert (await system.call("PUT", f"{path}/bidders", {"bidders": BIDDERS}))["bidders"] == 3
    await DrawActivity.filter(id=aid).update(eval_start=now + timedelta(minutes=20))
    await refused("not_started", "POST", f"{path}/scores", table(codes))
    await DrawActivity.filter(id=aid).update(eval_start=before.eval_start)
    await end(aid)
    fixed = {"correction_id": "K-1", "case": "extreme", "reason": "委员会复核后当场修改",
             "table": table(codes, {(0, BIDDERS[0]["key"], "C1"): 29})}
    await refused("no_table", "POST", f"{path}/scores/corrections", fixed)
    # the table checked whole
    whole = table(codes)["scores"]
    await refused("not_member", "POST", f"{path}/scores", table([*codes[:2], "99999999"]))
    await refused("not_bidder", "POST", f"{path}/scores", {**table(codes), "scores": [
        *whole, {**whole[0], "bidder": "91440101MA5B000099"}]})
    await refused("not_criterion", "POST", f"{path}/scores", {**table(codes), "scores": [
        *whole, {**whole[0], "criterion": "C9"}]})
    await refused("out_of_range", "POST", f"{path}/scores",
                  table(codes, {(0, BIDDERS[0]["key"], "C1"): 41}))
    await refused("duplicate", "POST", f"{path}/scores",
                  {**table(codes), "scores": [*whole, whole[0]]})
    await refused("incomplete", "POST", f"{path}/scores",
                  {**table(codes), "scores": whole[1:]})
    await refused("bad_field", "POST", f"{path}/scores",
                  table(codes, {(0, BIDDERS[0]["key"], "C1"): 12.345}))
    assert (await system.call("POST", f"{path}/scores", table(codes)))["kept"] is True
    await refused("scored_twice", "POST", f"{path}/scores", table(codes, table_id="T-2"))
    await refused("bidders_closed", "PUT", f"{path}/bidders", {"bidders": BIDDERS})
    # corrections (GPL-87 Art. 64) until the report is signed
    criteria = [{**c, "max": 50} if c["code"] == "C1" else c for c in table(codes)["criteria"]]
    await refused("criteria_changed", "POST", f"{path}/scores/corrections",
                  {**fixed, "table": {**fixed["table"], "criteria": criteria}})
    await refused("no_change", "POST", f"{path}/scores/corrections",
                  {**fixed, "table": table(codes)})
    await refused("case_mismatch", "POST", f"{path}/scores/corrections",
                  {**fixed, "case": "objective_mismatch"})
    assert (await system.call("POST", f"{path}/scores/corrections", fixed))["kept"] is True
    await refused("corrected_twice", "POST", f"{path}/scores/corrections",
                  {**fixed, "reason": "另一说明"})
    assert (await system.call("POST", f"{path}/report", {}))["signed"] is True
    await refused("report_signed", "POST", f"{path}/scores/corrections",
                  {**fixed, "correction_id": "K-2"})
    # an event once the records' deadline (5 working days after the end) has passed
    long_ago = now - timedelta(days=40)
    await DrawActivity.filter(id=aid).update(
        eval_start=long_ago - timedelta(hours=6), eval_end=long_ago,
        finished_at=long_ago)
    await refused("records_closed", "POST", f"{path}/events", {
        "event_id": "E-1", "expert": codes[0], "kind": "late",
        "at": (long_ago - timedelta(hours=5)).isoformat(), "note": "迟到20分钟"})

    assert got == documented(), "the document and the service disagree"


def test_the_document_is_read_as_a_table_of_refusals() -> None:
    """The reading above finds what the document says (a sentence read wrong would let
    both sides of the comparison shrink together)."""
    said = documented()
    assert said["sealed"] == 409 and said["too_large"] == 413 and said["replayed"] == 401
    assert said["incomplete"] == 400 and len(said) >= 23
