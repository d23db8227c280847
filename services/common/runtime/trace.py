"""The request id: made (or taken from the proxy's X-Request-Id) when a request arrives, put
on every log line written while it is served, and carried into the jobs it queues."""

from __future__ import annotations

import hashlib
import re
import secrets
from contextvars import ContextVar

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
# what the edge serving the request adds to its access line (a fresh dict per request)
LOG_FIELDS: ContextVar[dict[str, object] | None] = ContextVar("log_fields", default=None)
# what a proxy may hand us (nginx's $request_id is 32 hex digits)
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")


def new_request_id() -> str:
    """A fresh random id (16 hex digits)."""
    return secrets.token_hex(8)


def request_id_from(header: str | None) -> str:
    """The proxy's id when it looks like one, else a fresh one."""
    return header if header and _ACCEPTED.fullmatch(header) else new_request_id()


def hashed_openid(openid: str) -> str:
    """An openid as it may appear in logs: the first 16 hex digits of its SHA-256 (support
    staff hash a user's openid the same way to find their lines)."""
    return hashlib.sha256(openid.encode()).hexdigest()[:16] if openid else ""
