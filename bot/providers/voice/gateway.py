"""Voice calls: the errors a provider raises, and the template a kind's call speaks.

Providers in mainland China speak only templates approved in their console, with {1}, {2},
... filled in at call time. The words are ours (texts/notify/<kind>/voice.j2): `template`
turns them into what is submitted for approval, and names our parameters in the order of
their placeholders (the sandbox's fake provider approves exactly that)."""

from __future__ import annotations

import re

from services.common.texts import Texts

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")


class VoiceError(Exception):
    """The provider did not place the call (`code` is its own error code, if any)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class VoiceUnreachable(VoiceError):
    """A call this number cannot take now and a retry would not help: the provider's
    per-number frequency limit, a template it has not approved, a number it refuses."""


class VoiceOutcomeUnknown(VoiceError):
    """The request went out but no answer came back: the phone may be ringing (no provider
    offers an idempotency key for a call), so it is not placed again."""


def template(texts: Texts, kind: str) -> tuple[str, tuple[str, ...]]:
    """The console template of a kind's call ({1}, {2}, ... in place of our parameters) and
    the parameters that fill it, in order."""
    source = (texts.directory / "notify" / kind / "voice.j2").read_text(encoding="utf-8").strip()
    names: list[str] = []
    for name in _PLACEHOLDER.findall(source):
        if name not in names:
            names.append(name)
    content = _PLACEHOLDER.sub(lambda m: f"{{{names.index(m.group(1)) + 1}}}", source)
    return content, tuple(names)
