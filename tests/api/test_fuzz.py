"""Fuzzing in the suite: signed hostile XML at /wechat/callback, signed hostile
notifications at /pay/notify, and schemathesis over the mini-program API's own OpenAPI
document for several roles. The rule each time: no 5xx, no status the document does not
list, nothing credited or bound by garbage."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from collections import Counter
from typing import Any

import pytest
import requests
import schemathesis
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.transport.prepare import get_exclude_headers

from models.money.payments import Payable
from sandbox.pay.gateway import PayGateway
from tests.support.api import Api
from tests.support.fuzz_cases import constants_read, fuzz_cases
from tests.support.wechat import Chat

FUZZ = settings(max_examples=120, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))

TAG = st.sampled_from(["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content",
                       "MsgId", "Event", "EventKey", "Encrypt", "Status", "MsgID", "x"])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
VALUE = st.one_of(TEXT, st.integers().map(str), st.just("o" * 300), st.just("]]>"),
                  st.just("&amp;&lt;"), st.binary(max_size=40).map(lambda b: b.hex()))


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(TAG, st.lists(children, max_size=4)).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>")


NODES = st.recursive(VALUE.map(lambda v: v.replace("<", "").replace("&", "")), _element,
                     max_leaves=30)
DECLARATIONS = st.sampled_from([
    "", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>',
    '<?xml version="1.0" encoding="gbk"?>', '<?xml version="1.0" encoding="latin-1"?>',
    '<?xml version="1.0" encoding="utf-16"?>', '<?xml version="1.0" encoding="bogus"?>',
    '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
    '<!DOCTYPE xml SYSTEM "file:///etc/passwd">'])
BODIES = st.one_of(
    st.tuples(DECLARATIONS, st.lists(NODES, max_size=8), st.sampled_from(["xml", "XML", "a"]))
    .map(lambda t: f"{t[0]}<{t[2]}>{''.join(t[1])}</{t[2]}>".encode("utf-8", "replace")),
    st.binary(max_size=300),
    st.integers(1, 40).map(lambda n: b"<xml>" + b"<a>" * n * 500 + b"</xml>"),
    st.just(b"<xml><Content>" + b"a" * 70_000 + b"</Content></xml>"),
)


@pytest.mark.slow  # hostile documents generated, each signed and sent
@FUZZ
@given(body=BODIES, encrypted=st.booleans())
async def test_signed_hostile_xml_never_gets_a_5xx(chat: Chat, body: bytes,
                                                   encrypted: bool) -> None:
    query = chat.pusher.build({"x": "1"}).query
    if encrypted:  # a bad Encrypt under a signature that does not cover it
        query = {**query, "encrypt_type": "aes", "msg_signature": "0" * 40}
    resp = await chat.client.post("/wechat/callback", params=query, data=body)
    await resp.read()
    assert resp.status in (200, 400, 403, 413), (resp.status, body[:200])


JSONISH = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                                 TEXT), lambda c: st.one_of(st.lists(c, max_size=3),
                                                            st.dictionaries(TEXT, c,
                                                                            max_size=3)),
                       max_leaves=10)
# what a client can send as a header value: Latin-1 without control characters ("²" is in)
HEADER_VALUE = st.one_of(st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                                               exclude_categories=("Cc",)), max_size=40),
                         st.just("9" * 5000), st.just("²"))
TRADE = st.fixed_dictionaries({}, optional={
    "out_trade_no": JSONISH, "trade_state": st.one_of(st.just("SUCCESS"), JSONISH),
    "mchid": JSONISH, "appid": JSONISH, "transaction_id": JSONISH,
    "amount": st.one_of(JSONISH, st.fixed_dictionaries({"total": JSONISH})),
    "success_time": st.one_of(TEXT, JSONISH), "payer": JSONISH})


def _sealed(gateway: PayGateway, resource: Any, event: Any) -> str:
    nonce = secrets.token_hex(6)
    plain = resource if isinstance(resource, str) else json.dumps(resource)
    sealed = AESGCM(gateway.apiv3_key.encode()).encrypt(nonce.encode(), plain.encode(),
                                                        b"transaction")
    return json.dumps({"id": "x", "event_type": event, "resource": {
        "algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(sealed).decode(),
        "associated_data": "transaction", "nonce": nonce}})


@FUZZ
@given(resource=st.one_of(TRADE, JSONISH, TEXT),
       event=st.one_of(st.just("TRANSACTION.SUCCESS"), JSONISH),
       envelope=st.one_of(st.none(), JSONISH), headers=st.dictionaries(
           st.sampled_from(["Wechatpay-Timestamp", "Wechatpay-Serial",
                            "Wechatpay-Signature-Type"]), HEADER_VALUE, max_size=2))
async def test_signed_hostile_pay_notifications_never_get_a_5xx(
        client: TestClient, pay_gateway: PayGateway, resource: Any, event: Any,
        envelope: Any, headers: dict[str, str]) -> None:
    body = _sealed(pay_gateway, resource, event) if envelope is None else json.dumps(envelope)
    signed = {**pay_gateway.sign_headers(body), "Content-Type": "application/json"}
    resp = await client.post("/pay/notify", data=body.encode(), headers={**signed, **headers})
    await resp.read()
    assert resp.status in (204, 400, 401, 404, 413), (resp.status, body[:200])
    assert not await Payable.exists(paid_at__not_isnull=True)  # nothing credited


# every kind of caller: an applicant, an expert, the agency's legal person and handler, a
# reviewer, a verifier and an administrator
ROLES = ("applicant", "expert", "agency_legal", "handler", "reviewer", "verifier", "admin")
# the role a demo person holds, as the document's x-access names it
HOLDS = {"handler": "agency_handler"}
# cases per operation the role may call, where its garbage reaches the handler; another
# role's operation turns it away before its body is read, the same refusal for every body
# (the 403 matrix covers each endpoint), so none is sent there
OWN = 4


def _call(case: schemathesis.Case, base: str, token: str, role: str,
          listed: dict[str, set[str]], seen: Counter[int], problems: list[str],
          session: requests.Session) -> None:
    """One case of one operation as one role (blocking: run it off the event loop)."""
    resp = case.call(base_url=base, session=session, timeout=15,
                     headers={"Authorization": f"Bearer {token}"})
    seen[resp.status_code] += 1
    if resp.status_code >= 500 or str(resp.status_code) not in listed:
        problems.append(f"{role} {case.method} {case.formatted_path} "
                        f"-> {resp.status_code}: {resp.text[:160]}")
    # and the answer is what the document says it is (a PDF where it says PDF)
    found = next((v for k, v in resp.headers.items() if k.lower() == "content-type"), "")
    media = (found[0] if isinstance(found, list) and found else str(found or "")
             ).split(";")[0].strip()
    if str(resp.status_code) in listed and media not in listed[str(resp.status_code)]:
        problems.append(f"{role} {case.method} {case.formatted_path} "
                        f"-> {resp.status_code} as {media}, documented as "
                        f"{sorted(listed[str(resp.status_code)])}")


# every role's run takes 7-11 s in a full run (over two hundred operations, four cases each
# of the role's own and one of the others'): a test of its own per role, so that the runs
# spread over the workers
@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
async def test_schemathesis_over_the_mini_program_api(client: TestClient, api: Api,
                                                      demo: dict, role: str) -> None:
    """Every operation of the OpenAPI document as each role, positive data for some roles
    and negative for the others (alternating as the roles are listed): no 5xx and no
    status or media type the document does not list for the operation."""
    doc = await (await client.get("/miniapp/v1/openapi.json")).json()
    base = str(client.make_url("/miniapp/v1"))
    token = await api.login(demo[role].mp_openid)
    schema = schemathesis.openapi.from_dict(doc)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    mode = modes[ROLES.index(role) % 2]
    # sign-in paths are covered by their own tests (and lock askers)
    operations = [op for op in operations
                  if not (op.method.upper() == "POST" and op.path.startswith("/auth/"))]

    def its_own(op: Any) -> bool:
        access = op.definition.raw["x-access"]  # roles, or bound/session/public
        return isinstance(access, str) or HOLDS.get(role, role) in access

    operations = [op for op in operations if its_own(op)]

    # drawn once while the document and the code are as they are (tests/support/fuzz_cases.py)
    constants_read()  # here, not in the drawing thread
    cases = await asyncio.to_thread(fuzz_cases, role, doc, operations, mode, lambda op: OWN)
    # a negative case that leaves the caller's token out is the same request whoever the
    # caller: sent by the first role of the mode only
    first = next(r for r in ROLES if modes[ROLES.index(r) % 2] == mode)
    seen: Counter[int] = Counter()

    def run() -> list[str]:
        problems: list[str] = []
        with requests.Session() as session:  # one kept-alive connection, as a client would
            for op in operations:
                listed = {code: set(answer.get("content", {})) for code, answer in
                          op.definition.raw.get("responses", {}).items()}
                for case in cases[op.label]:
                    if role == first or "Authorization" not in get_exclude_headers(case):
                        _call(case, base, token, role, listed, seen, problems, session)
        return problems

    problems = await asyncio.to_thread(run)
    print(f"schemathesis as {role}: {sum(seen.values())} calls, "
          f"statuses {dict(sorted(seen.items()))}")
    assert problems == [], "\n".join(problems[:20])
    # the cases reached the handlers: some passed, and the negative ones were refused
    assert sum(seen.values()) > 60 and seen[200] + seen[201] > 3
    if mode == schemathesis.GenerationMode.NEGATIVE:
        assert seen[422] + seen[400] > 5
