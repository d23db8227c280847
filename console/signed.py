"""The console's signed values: the sign-in forms' CSRF before a session exists, the
message shown once on the next page (a signed cookie), a comparison that leaks no timing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass


def pre_csrf(secret: bytes, pre: str) -> str:
    return hmac.new(secret, b"console-pre:" + pre.encode(), hashlib.sha256).hexdigest()[:32]


def sign(secret: bytes, text: str) -> str:
    body = base64.urlsafe_b64encode(text.encode()).decode()
    return body + "." + hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()[:20]


def same(given: str, expected: str) -> bool:
    """A constant-time comparison that any text may take (non-ASCII included)."""
    return hmac.compare_digest(given.encode(), expected.encode())


def unsign(secret: bytes, value: str, most: int) -> str | None:
    body, _, mac = value.partition(".")
    if not same(mac, hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()[:20]):
        return None
    try:
        return base64.urlsafe_b64decode(body.encode()).decode()[:most]
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class Flash:
    """A message shown once on the next page. `kind`: done (an action succeeded), refused
    (the page's forms come back as they were typed, `fields` marked with their problem) or
    kept (a preview: the forms come back too)."""

    text: str
    kind: str = "done"
    fields: tuple[tuple[str, str], ...] = ()

    def dump(self) -> str:
        return json.dumps({"t": self.text, "k": self.kind, "f": self.fields},
                          ensure_ascii=False)

    @classmethod
    def load(cls, raw: str) -> Flash | None:
        try:
            got = json.loads(raw)
            return cls(str(got["t"]), str(got["k"]),
                       tuple((str(f), str(m)) for f, m in got.get("f", [])))
        except (ValueError, KeyError, TypeError):
            return None
