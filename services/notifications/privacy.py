"""Calls through a middle number (虚拟呼叫, GD-DRAW): the staff's phone and the expert's phone
bound to a temporary number X of a number-privacy provider (an AXB binding), so that either
reaches the other by dialling X and neither ever learns the other's number. The gateway the
service binds through (bot/providers/privacy/aliyun.py implements it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Line:
    """One binding as the provider made it: its id and the middle number both sides dial."""

    binding_id: str  # the provider's (Alibaba Cloud: SubsId)
    middle_number: str  # X


class NumberPrivacy(Protocol):
    """`bind` binds A and B to a middle number until `expires` (UTC) with `reference` (ours)
    echoed in every call record; `release` ends a binding before it expires. Both raise
    PrivacyError when the provider does not do it."""

    async def bind(self, a: str, b: str, expires: datetime, reference: str) -> Line: ...

    async def release(self, line: Line) -> None: ...


class PrivacyError(Exception):
    """The provider did not bind or release (`code` is its own error code, if any);
    `busy` when it has no middle number free now (a later try may find one)."""

    def __init__(self, message: str, code: str = "", *, busy: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.busy = busy
