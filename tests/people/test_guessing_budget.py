"""Guesses spread over many sessions at once: the account's budget bounds them all, and the
owner keeps a way in (an SMS code to the phone on record), after which the password works."""

from __future__ import annotations

import asyncio
import re

from sandbox.platform import Platform
from services.demo import DEMO_PASSWORD, DemoPerson
from services.people.lockout import PERSON_FAILURES
from tests.support.api import Api, ApiAnswer
from tests.support.helpers import eventually
from tests.support.sign_in import PAUSED, unbind_mp


async def password_login(api: Api, openid: str, account: str, password: str) -> ApiAnswer:
    return await api.call("POST", "/auth/password-login", await api.login(openid),
                          {"account": account, "password": password})


async def test_wrong_passwords_from_twenty_sessions_at_once_buy_no_more_guesses(
        api: Api, platform: Platform, demo: dict) -> None:
    """An attacker spreading guesses over twenty sessions at once has at most
    PERSON_FAILURES compared for the account; the owner's right password is then refused with
    the way in, an SMS code to their phone, which signs them in; then the password works."""
    applicant: DemoPerson = demo["applicant"]
    await unbind_mp(applicant)
    tokens = [await api.login(f"mp_spread{n}") for n in range(20)]
    answers = await asyncio.gather(*[
        api.call("POST", "/auth/password-login", token,
                 {"account": applicant.phone, "password": f"Wrong{n:04d}x"})
        for n, token in enumerate(tokens)])
    assert sum(a.status == 400 for a in answers) == PERSON_FAILURES  # compared, wrong
    assert sum(a.status == 429 and PAUSED in a.message for a in answers) == 20 - PERSON_FAILURES
    refused = await password_login(api, "mp_spread_owner", applicant.phone, DEMO_PASSWORD)
    assert refused.status == 429 and "短信验证码登录" in refused.message
    owner = await api.login("mp_spread_owner")
    await api.call("POST", "/auth/sms-login/start", owner, {"phone": applicant.phone})
    told = await sms_code_after_notice(platform, applicant.phone)
    signed = await api.call("POST", "/auth/sms-login/confirm", owner,
                            {"phone": applicant.phone, "code": told})
    assert signed.status == 200
    assert (await api.call("POST", "/auth/unbind", owner)).status == 200
    again = await password_login(api, "mp_spread_owner2", applicant.phone, DEMO_PASSWORD)
    assert again.status == 200  # the code lifted the pause


async def sms_code_after_notice(platform: Platform, phone: str) -> str:
    """The code in the latest SMS to `phone` that carries one (the lock's notice comes
    first, by itself)."""
    def codes() -> list[str]:
        return [m.group(1) for t in platform.sms_to(phone) if (m := re.search(r"验证码(\d{6})", t))]

    await eventually(lambda: bool(codes()))
    return codes()[-1]
