"""The real-name check at registration (HN-APPLY: the name and the ID number must
belong together): a provider compares them with the authoritative record. Without one
configured, or while it cannot answer, registration goes on and the applicant is told that
their identity is checked at review."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Verdict(StrEnum):
    MATCH = "match"  # 姓名和身份证号一致
    MISMATCH = "mismatch"  # 不一致
    NO_RECORD = "no_record"  # 证件库中无此身份证记录
    UNAVAILABLE = "unavailable"  # the provider could not answer now


class RealNameCheck(Protocol):
    async def verify(self, name: str, id_number: str) -> Verdict: ...
