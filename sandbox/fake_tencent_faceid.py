"""A fake Tencent Cloud 身份信息认证 (faceid IdCardVerification, 2018-03-01) on loopback,
answering as the documented API does: the TC3 signature (service `faceid`), then Result 0
(一致), -1 (不一致), -2 (非法身份证号), -3 (非法姓名), -4 (证件库服务异常, while `down`) or -5
(无此记录) against the `citizens` it knows. `lenient` (the sandbox's `make run`): a number it
does not know is taken as the record of the name given the first time."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field

from aiohttp import web

from sandbox.fake_tencent_sms import _checked, _error
from services.common.errors import BadInput
from services.people import IdentityRules

NAME = re.compile(r"[\u4e00-\u9fa5·]{2,32}")
DESCRIPTIONS = {"0": "姓名和身份证号一致", "-1": "姓名和身份证号不一致",
                "-2": "非法身份证号", "-3": "非法姓名", "-4": "证件库服务异常",
                "-5": "证件库中无此身份证记录"}


@dataclass
class TencentFaceIdFake:
    keys: dict[str, str] = field(default_factory=dict)  # SecretId -> SecretKey
    citizens: dict[str, str] = field(default_factory=dict)  # ID number -> name
    lenient: bool = False
    down: bool = False
    requests: int = 0

    def result(self, id_number: str, name: str) -> str:
        if self.down:
            return "-4"
        try:
            IdentityRules.parse_id_number(id_number)
        except BadInput:
            return "-2"
        if not NAME.fullmatch(name):
            return "-3"
        if id_number not in self.citizens:
            if not self.lenient:
                return "-5"
            self.citizens[id_number] = name
        return "0" if self.citizens[id_number] == name else "-1"


TENCENT_FACEID = web.AppKey("tencent_faceid", TencentFaceIdFake)


async def endpoint(request: web.Request) -> web.Response:
    fake = request.app[TENCENT_FACEID]
    fake.requests += 1
    body = await request.read()
    refused = _checked(request, fake.keys, body, action="IdCardVerification",
                       service="faceid")
    if refused is not None:
        return refused
    try:
        params = json.loads(body)
    except ValueError:
        return _error("InvalidParameter", "the body is not JSON")
    result = fake.result(str(params.get("IdCard", "")), str(params.get("Name", "")))
    return web.json_response({"Response": {"Result": result,
                                           "Description": DESCRIPTIONS[result],
                                           "RequestId": secrets.token_hex(8)}})
