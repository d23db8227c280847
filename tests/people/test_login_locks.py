"""Login and the brute-force lock on every path: SMS login, password login, binding by ID
number (chat and mini-program). Five wrong answers lock the openid and the person, whichever
path they came by and however the phone or ID number was written; at most five are ever
compared, however many arrive at once; known and unknown identifiers get the same answers,
whatever the SMS gateway does; WeChat's session_key never leaves the server."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from aiohttp.test_utils import TestClient

from models.wechat import WeChatIdentity
from sandbox.platform import Platform
from sandbox.platform_records import Fault
from services.demo import DEMO_PASSWORD, DemoPerson
from services.people.identity_rules import IdentityRules
from services.people.lockout import CODE_GUESSES, PERSON_FAILURES
from tests.support.api import Api, ApiAnswer
from tests.support.clock import MovedClock
from tests.support.helpers import eventually
from tests.support.sign_in import LOCKED, PAUSED, sms_code, unbind_mp, wrong_codes
from tests.support.wechat import Chat

CODE_SENT = "如果信息正确，验证码已发送到登记的手机号，5分钟内有效。"
UNKNOWN_PHONE = "13912345678"
UNKNOWN_ID = "44010619991212001" + IdentityRules.id_check_character("44010619991212001")


def tries_left(answers: list[ApiAnswer]) -> list[int]:
    found = [re.search(r"还可以再试 (\d) 次", a.message) for a in answers]
    return sorted(int(m.group(1)) for m in found if m)


async def password_login(api: Api, openid: str, account: str, password: str) -> ApiAnswer:
    return await api.call("POST", "/auth/password-login", await api.login(openid),
                          {"account": account, "password": password})


# --- login by phone + SMS code -------------------------------------------------------------

async def test_sms_login_happy_path(api: Api, platform: Platform, demo: dict) -> None:
    expert: DemoPerson = demo["expert"]
    await unbind_mp(expert)
    token = await api.login("mp_sms_ok")
    start = await api.call("POST", "/auth/sms-login/start", token, {"phone": "+86 13800000002"})
    assert start.status == 200 and start.message == CODE_SENT
    code = await sms_code(platform, expert.phone)
    done = await api.call("POST", "/auth/sms-login/confirm", token,
                          {"phone": expert.phone, "code": code})
    assert done.status == 200 and done.data["profile"]["name"] == "李建国"
    assert (await api.call("GET", "/me", token)).data["phone"] == "138****0002"
    # the code is single-use
    again = await api.call("POST", "/auth/sms-login/confirm", await api.login("mp_sms_ok"),
                           {"phone": expert.phone, "code": code})
    assert again.status == 400 and "已过期或尚未获取" in again.message


async def test_sms_login_wrong_code_and_expiry(api: Api, platform: Platform, demo: dict,
                                               clock: MovedClock) -> None:
    expert: DemoPerson = demo["expert"]
    await unbind_mp(expert)
    token = await api.login("mp_sms_slow")
    await api.call("POST", "/auth/sms-login/start", token, {"phone": expert.phone})
    code = await sms_code(platform, expert.phone)
    wrong = await api.call("POST", "/auth/sms-login/confirm", token,
                           {"phone": expert.phone, "code": wrong_codes(code, 1)[0]})
    assert wrong.status == 400 and wrong.message == "验证码不正确，还可以再试 4 次。"
    clock.advance(301)  # five minutes and a second
    late = await api.call("POST", "/auth/sms-login/confirm", token,
                          {"phone": expert.phone, "code": code})
    assert late.status == 400 and "已过期" in late.message
    assert (await api.call("GET", "/me", token)).error == "auth.not_bound"
    # a new code (the resend wait is over too) still works at 4 minutes 50 seconds
    assert (await api.call("POST", "/auth/sms-login/start", token,
                           {"phone": expert.phone})).status == 200
    code = await sms_code(platform, expert.phone, nth=2)
    clock.advance(290)
    done = await api.call("POST", "/auth/sms-login/confirm", token,
                          {"phone": expert.phone, "code": code})
    assert done.status == 200 and done.data["profile"]["name"] == "李建国"


async def test_five_wrong_codes_lock_the_asker_not_the_owner(
        api: Api, platform: Platform, demo: dict, clock: MovedClock) -> None:
    expert: DemoPerson = demo["expert"]
    await unbind_mp(expert)
    token = await api.login("mp_sms_bad")
    await api.call("POST", "/auth/sms-login/start", token, {"phone": expert.phone})
    code = await sms_code(platform, expert.phone)
    answers = [await api.call("POST", "/auth/sms-login/confirm", token,
                              {"phone": expert.phone, "code": g})
               for g in wrong_codes(code, 5)]
    assert [a.status for a in answers] == [400, 400, 400, 400, 429]
    assert tries_left(answers) == [1, 2, 3, 4] and LOCKED in answers[4].message
    # the right code no longer works for this asker, and says why
    right = await api.call("POST", "/auth/sms-login/confirm", token,
                           {"phone": expert.phone, "code": code})
    assert right.status == 429 and LOCKED in right.message
    # the owner, on their own phone, is not locked out by someone else's guesses
    clock.advance(61)  # a number gets one code a minute
    owner = await api.login("mp_sms_owner")
    assert (await api.call("POST", "/auth/sms-login/start", owner,
                           {"phone": expert.phone})).status == 200
    done = await api.call("POST", "/auth/sms-login/confirm", owner,
                          {"phone": expert.phone,
                           "code": await sms_code(platform, expert.phone, nth=2)})
    assert done.status == 200
    # the asker stays locked for thirty minutes, whatever it tries
    clock.advance(1700)
    again = await api.call("POST", "/auth/sms-login/start", token, {"phone": expert.phone})
    assert again.status == 429 and LOCKED in again.message
    clock.advance(101)
    assert (await api.call("POST", "/auth/sms-login/start", token,
                           {"phone": expert.phone})).status == 200


# --- login by phone / ID number + password -------------------------------------------------

async def test_five_wrong_passwords_lock_the_asker_however_the_account_is_written(
        api: Api, chat: Chat, demo: dict) -> None:
    legal: DemoPerson = demo["agency_legal"]  # ID number ending in X
    await unbind_mp(legal)
    token = await api.login("mp_pw_bad")
    spellings = ["+8613800000003", "138-0000-0003", " 138 0000 0003 ",
                 legal.id_number.lower(), "440103-19781120-062x"]
    answers = [await api.call("POST", "/auth/password-login", token,
                              {"account": account, "password": "Wrong1234"})
               for account in spellings]
    assert [a.status for a in answers] == [400, 400, 400, 400, 429]
    assert tries_left(answers) == [1, 2, 3, 4] and LOCKED in answers[4].message
    assert all(a.error == "auth.bad_credentials" for a in answers[:4])
    # locked: the right password is refused to this asker ...
    right = await api.call("POST", "/auth/password-login", token,
                           {"account": legal.phone, "password": DEMO_PASSWORD})
    assert right.status == 429 and LOCKED in right.message
    assert (await api.call("GET", "/me", token)).error == "auth.not_bound"
    # ... not to the owner (five wrong passwords from anyone locked the owner out)
    fresh = await password_login(api, "mp_pw_owner", legal.id_number, DEMO_PASSWORD)
    assert fresh.status == 200
    await chat.say("o_pw_owner", "绑定")
    assert "验证码已发送" in (await chat.say("o_pw_owner", legal.id_number)).text


async def test_others_attempts_lock_the_person_only_together_then_the_owner_is_told_and_unlocks(
        api: Api, platform: Platform, demo: dict, clock: MovedClock) -> None:
    """PERSON_FAILURES wrong passwords from many askers lock the person for everyone; the
    owner is told by SMS how to lift it, and an SMS code to their phone lifts it at once."""
    expert: DemoPerson = demo["expert"]
    await unbind_mp(expert)
    answers = [await password_login(api, f"mp_swarm{n // 5}", expert.phone, "Wrong1234")
               for n in range(PERSON_FAILURES)]
    assert answers[-1].status == 429
    refused = await password_login(api, "mp_owner_pw", expert.id_number, DEMO_PASSWORD)
    assert refused.status == 429 and PAUSED in refused.message
    assert "短信验证码登录" in refused.message  # the way in the owner has

    def told() -> list[str]:
        return [t for t in platform.sms_to(expert.phone) if "已被锁定" in t]

    await eventually(lambda: len(told()) == 1, timeout=10)
    assert "短信验证码登录" in told()[0] and expert.id_number not in told()[0]
    owner = await api.login("mp_owner_sms")
    assert (await api.call("POST", "/auth/sms-login/start", owner,
                           {"phone": expert.phone})).status == 200
    code = await sms_code(platform, expert.phone, nth=2)  # after the one that told them
    assert (await api.call("POST", "/auth/sms-login/confirm", owner,
                           {"phone": expert.phone, "code": code})).status == 200
    assert (await api.call("POST", "/auth/unbind", owner)).status == 200
    again = await password_login(api, "mp_owner_pw2", expert.id_number, DEMO_PASSWORD)
    assert again.status == 200  # the code lifted the lock


async def test_password_login_with_any_spelling_of_the_account(api: Api, demo: dict) -> None:
    legal: DemoPerson = demo["agency_legal"]
    await unbind_mp(legal)
    for account in ("+86 138-0000-0003", legal.id_number.lower(), "440103 19781120 062x"):
        token = await api.login("mp_pw_ok")
        ok = await api.call("POST", "/auth/password-login", token,
                            {"account": account, "password": DEMO_PASSWORD})
        assert ok.status == 200 and ok.data["profile"]["name"] == "张丽华", ok.data
        assert (await api.call("POST", "/auth/unbind", token)).status == 200


# --- one budget for the person, whatever the path -----------------------------------------

async def test_codes_guessed_in_chat_and_in_the_mini_program_count_together(
        chat: Chat, api: Api, platform: Platform, demo: dict, clock: MovedClock) -> None:
    """CODE_GUESSES wrong codes about one person, whoever and wherever, stop codes being
    issued for that person; the owner's password still works."""
    expert: DemoPerson = demo["expert"]
    await unbind_mp(expert)
    await chat.say("o_bind_bruter", "绑定")
    await chat.say("o_bind_bruter", expert.id_number)
    code = await sms_code(platform, expert.phone)
    for guess in wrong_codes(code, 5):
        await chat.say("o_bind_bruter", guess)
    clock.advance(61)
    token = await api.login("mp_sms_bruter")
    await api.call("POST", "/auth/sms-login/start", token, {"phone": "138 0000 0002"})
    code = await sms_code(platform, expert.phone, nth=2)
    for guess in wrong_codes(code, CODE_GUESSES - 5):
        await api.call("POST", "/auth/sms-login/confirm", token,
                       {"phone": expert.phone, "code": guess})
    clock.advance(61)
    sms = await api.call("POST", "/auth/sms-login/start", await api.login("mp_fresh1"),
                         {"phone": "+8613800000002"})
    assert sms.status == 429 and LOCKED in sms.message
    assert len(platform.sms_to(expert.phone)) == 2  # no new code went out
    pw = await password_login(api, "mp_fresh_pw", expert.id_number, DEMO_PASSWORD)
    assert pw.status == 200


async def test_wrong_passwords_and_wrong_codes_of_one_asker_count_together(
        api: Api, platform: Platform, demo: dict) -> None:
    applicant: DemoPerson = demo["applicant"]
    token = await api.login("mp_mixed")
    for _ in range(3):
        await api.call("POST", "/auth/password-login", token,
                       {"account": applicant.id_number, "password": "Wrong1234"})
    await api.call("POST", "/auth/sms-login/start", token, {"phone": applicant.phone})
    code = await sms_code(platform, applicant.phone)
    first, second = [await api.call("POST", "/auth/sms-login/confirm", token,
                                    {"phone": applicant.phone, "code": g})
                     for g in wrong_codes(code, 2)]
    assert "还可以再试 1 次" in first.message
    assert second.status == 429 and LOCKED in second.message


async def test_tries_left_do_not_show_that_two_identifiers_are_one_person(
        api: Api, demo: dict) -> None:
    """A wrong password with someone's phone, then from another openid a wrong password
    with a candidate ID number: the tries left are the same whether or not the candidate
    is that person's number (a shared counter told would link the two)."""
    applicant: DemoPerson = demo["applicant"]
    await password_login(api, "mp_link_a", applicant.phone, "Wrong1234")
    same = await password_login(api, "mp_link_b", applicant.id_number, "Wrong1234")
    other = await password_login(api, "mp_link_c", UNKNOWN_ID, "Wrong1234")
    assert (same.status, same.data) == (other.status, other.data)
    assert "还可以再试 4 次" in same.message


# --- known and unknown identifiers look alike ---------------------------------------------

async def test_unknown_identifiers_answer_like_known_ones_and_lock_too(api: Api,
                                                                       demo: dict) -> None:
    expert: DemoPerson = demo["expert"]
    for start_path, field, known, unknown in (
            ("/auth/sms-login/start", "phone", expert.phone, UNKNOWN_PHONE),
            ("/auth/bind/start", "id_number", expert.id_number, UNKNOWN_ID)):
        a = await api.call("POST", start_path, await api.login("mp_k"), {field: known})
        b = await api.call("POST", start_path, await api.login("mp_u"), {field: unknown})
        assert (a.status, a.data) == (b.status, b.data) and a.message == CODE_SENT
    # wrong passwords, each from a fresh session and spelled differently, answer alike for
    # an unknown phone and a known one, and lock both alike once PERSON_FAILURES came
    for phone, tag in ((UNKNOWN_PHONE, "u"), (expert.phone, "k")):
        spellings = [phone, "+86" + phone, f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
                     f"{phone[:3]} {phone[3:]}"]
        answers = [await password_login(api, f"mp_{tag}{n}", spellings[n % 4], "Wrong1234")
                   for n in range(PERSON_FAILURES + 1)]
        if tag == "u":
            unknown_answers = [(a.status, a.error) for a in answers]
        else:
            assert [(a.status, a.error) for a in answers] == unknown_answers
        assert tries_left(answers[:-2]) == [4] * (PERSON_FAILURES - 1)
        assert [a.status for a in answers[-2:]] == [400, 429]  # the last compared locks
        assert PAUSED in answers[-1].message  # silently: no count shows whose lock it is


# --- at most five attempts are compared, however many arrive at once ------------------------

async def _swarm(api: Api, platform: Platform, expert: DemoPerson, openid: str,
                 right_one_last: bool) -> tuple[str, str, list[ApiAnswer]]:
    """30 wrong codes for binding `openid` to `expert` sent at once (and the right one last,
    with `right_one_last`); the token, the right code and the answers."""
    await unbind_mp(expert)
    token = await api.login(openid)
    await api.call("POST", "/auth/bind/start", token, {"id_number": expert.id_number})
    code = await sms_code(platform, expert.phone)
    guesses = [*wrong_codes(code, 30), *([code] if right_one_last else [])]
    answers = await asyncio.gather(*[
        api.call("POST", "/auth/bind/confirm", token, {"code": g}) for g in guesses])
    return token, code, answers


async def test_concurrent_wrong_codes_then_the_right_one(api: Api, platform: Platform,
                                                         demo: dict) -> None:
    token, code, answers = await _swarm(api, platform, demo["expert"], "mp_swarm", False)
    assert tries_left(answers) == [1, 2, 3, 4]  # five compared: four told, the fifth locked
    assert sum(a.status == 429 and LOCKED in a.message for a in answers) == 26
    right = await api.call("POST", "/auth/bind/confirm", token, {"code": code})
    assert right.status == 429 and LOCKED in right.message
    assert (await WeChatIdentity.get(openid="mp_swarm")).person_id is None


async def test_a_right_code_sent_with_many_wrong_ones(api: Api, platform: Platform,
                                                     demo: dict) -> None:
    # all at once, the right code sent last: requests are taken in about the order they
    # were sent, so it is far behind the first five and must not be compared
    _, _, answers = await _swarm(api, platform, demo["expert"], "mp_swarm2", True)
    assert tries_left(answers) == [1, 2, 3, 4]
    assert answers[-1].status == 429 and LOCKED in answers[-1].message
    assert (await WeChatIdentity.get(openid="mp_swarm2")).person_id is None


async def test_concurrent_password_guesses(api: Api, demo: dict) -> None:
    applicant: DemoPerson = demo["applicant"]
    await unbind_mp(applicant)
    token = await api.login("mp_pw_swarm")
    passwords = [*(f"Wrong{n:04d}" for n in range(30)), DEMO_PASSWORD]
    answers = await asyncio.gather(*[
        api.call("POST", "/auth/password-login", token,
                 {"account": applicant.phone, "password": p}) for p in passwords])
    assert tries_left(answers) == [1, 2, 3, 4]
    assert answers[-1].status == 429 and LOCKED in answers[-1].message
    assert (await WeChatIdentity.get(openid="mp_pw_swarm")).person_id is None


# --- the SMS gateway's speed and failures show nowhere ------------------------------------

async def test_bind_start_answers_alike_whatever_the_sms_gateway_does(
        api: Api, platform: Platform, demo: dict, clock: MovedClock) -> None:
    expert: DemoPerson = demo["expert"]
    for start_path, field, known, unknown in (
            ("/auth/bind/start", "id_number", expert.id_number, UNKNOWN_ID),
            ("/auth/sms-login/start", "phone", expert.phone, UNKNOWN_PHONE)):
        baseline = await api.call("POST", start_path, await api.login("mp_gw_u"),
                                  {field: unknown})
        platform.inject(Fault("/sms/send", status=500))
        failed = await api.call("POST", start_path, await api.login("mp_gw_k1"),
                                {field: known})
        assert (failed.status, failed.data) == (baseline.status, baseline.data)
        await eventually(lambda: not platform.faults)  # the failing gateway was called
        sent = len(platform.sms_to(expert.phone))
        clock.advance(61)  # one code a minute to a number, whoever asks
        platform.inject(Fault("/sms/send", delay=1.5))
        token = await api.login("mp_gw_k2")
        began = time.monotonic()
        slow = await api.call("POST", start_path, token, {field: known})
        assert time.monotonic() - began < 1.0  # the answer does not wait for the gateway
        assert (slow.status, slow.data) == (baseline.status, baseline.data)
        await eventually(lambda n=sent: len(platform.sms_to(expert.phone)) > n, timeout=8)
        clock.advance(61)


async def test_chat_binding_answers_alike_when_the_sms_gateway_fails(
        chat: Chat, platform: Platform, demo: dict) -> None:
    await chat.say("o_gw_u", "绑定")
    unknown = await chat.say("o_gw_u", UNKNOWN_ID)
    platform.inject(Fault("/sms/send", status=500))
    await chat.say("o_gw_k", "绑定")
    known = await chat.say("o_gw_k", demo["expert"].id_number)
    assert known.text == unknown.text and "验证码已发送" in known.text
    await eventually(lambda: not platform.faults)  # the failing gateway was called


# --- WeChat's session_key ------------------------------------------------------------------

async def test_the_session_key_wechat_issued_never_leaves(client: TestClient, api: Api,
                                                         platform: Platform,
                                                         demo: dict) -> None:
    issued: list[str] = []
    original = platform.jscode2session

    def capture(*args: Any) -> dict[str, Any]:
        answer = original(*args)
        issued.append(answer["session_key"])
        return answer

    platform.jscode2session = capture  # type: ignore[method-assign]
    seen: list[str] = []

    async def call(method: str, path: str, token: str | None = None,
                   body: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = await client.request(method, "/miniapp/v1" + path, json=body, headers=headers)
        text = await resp.text()
        seen.append(text + json.dumps(dict(resp.headers)))
        assert not any(key in seen[-1] for key in issued), f"{path} sent the session_key"
        return json.loads(text) if text else {}

    expert: DemoPerson = demo["expert"]
    await unbind_mp(expert)
    tokens = []
    for openid in ("mp_sk1", "mp_sk2", expert.mp_openid):
        tokens.append((await call("POST", "/auth/login",
                                  body={"code": platform.login_code(openid)}))["token"])
    await call("POST", "/auth/bind/start", tokens[0], {"id_number": expert.id_number})
    await call("POST", "/auth/bind/confirm", tokens[0],
               {"code": await sms_code(platform, expert.phone)})
    await call("GET", "/me", tokens[0])
    await call("POST", "/auth/password-login", tokens[1],
               {"account": demo["applicant"].phone, "password": DEMO_PASSWORD})
    await call("GET", "/me", tokens[1])
    await call("POST", "/auth/sms-login/start", tokens[2], {"phone": UNKNOWN_PHONE})
    await call("POST", "/auth/logout", tokens[2])
    await call("GET", "/openapi.json")
    assert len(issued) == 3 and all(len(k) >= 16 for k in issued)
    assert len(seen) == 11
    for key in issued:
        assert not any(key in text for text in seen)
