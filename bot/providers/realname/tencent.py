"""Tencent Cloud 身份信息认证 (faceid IdCardVerification, version 2018-03-01): the name and the
ID number compared with the authoritative record, signed with TC3-HMAC-SHA256 as SMS and
voice are (service `faceid`). Result 0 match, -1 mismatch, -5 no record; -2/-3 (a number or
name the form checks already), -4/-6 (the record service down) and -7 (the daily limit) are
counted as unavailable: registration is not blocked by the provider's trouble."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.providers.sms.tencent import (
    Api3NoAnswer,
    Api3Unreachable,
    api3_headers,
    api3_post,
    host_of,
)
from services.people.verifiers import Verdict

SERVICE, VERSION, ACTION = "faceid", "2018-03-01", "IdCardVerification"
VERDICTS = {"0": Verdict.MATCH, "-1": Verdict.MISMATCH, "-5": Verdict.NO_RECORD}


@dataclass
class TencentRealNameConfig:
    secret_id: str
    secret_key: str
    endpoint: str = "https://faceid.tencentcloudapi.com"
    timeout: float = 5.0


class TencentRealName:
    def __init__(self, session: aiohttp.ClientSession, config: TencentRealNameConfig,
                 clock: Any = time.time) -> None:
        self._session = session
        self._config = config
        self._host = host_of(config.endpoint)
        self._clock = clock

    async def verify(self, name: str, id_number: str) -> Verdict:
        body = json.dumps({"IdCard": id_number, "Name": name}).encode()
        headers = api3_headers(self._config.secret_id, self._config.secret_key, self._host,
                               body, service=SERVICE, action=ACTION, version=VERSION,
                               timestamp=int(self._clock()))
        try:
            response = await api3_post(self._session, self._config.endpoint, body, headers,
                                       self._config.timeout)
        except (Api3Unreachable, Api3NoAnswer):
            return Verdict.UNAVAILABLE
        return VERDICTS.get(str(response.get("Result", "")), Verdict.UNAVAILABLE)
