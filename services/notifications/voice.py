"""Voice calls to a phone (GD-DRAW: the system phones each drawn expert, who presses 1, 2 or
3): the gateway the service calls through (bot.providers.voice.gateway implements it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class VoiceCall:
    """One call as the service means it: `text` is what it says in our words (texts/); a
    provider that speaks only approved templates (every provider in mainland China) picks
    the template by `kind` and fills it from `params`."""

    phone: str
    kind: str  # a notification kind (texts/notify/<kind>/voice.j2)
    text: str
    params: Mapping[str, str] = field(default_factory=dict)
    reference: str = ""  # ours (a notification id), echoed by providers that report back


class VoiceGateway(Protocol):
    """Places one call and returns the provider's id for it (None when it gives none);
    raises (bot.providers.voice.gateway.VoiceError) when the provider does not take it."""

    async def call(self, call: VoiceCall) -> str | None: ...
