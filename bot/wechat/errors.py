"""Typed errors of the WeChat API: what the caller may do about each errcode."""

from __future__ import annotations


class WeChatAPIError(Exception):
    """WeChat answered with a non-zero errcode (not retried unless a subclass says so)."""

    retryable = False

    def __init__(self, errcode: int, errmsg: str = "", path: str = "") -> None:
        super().__init__(f"{path}: errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.path = path


class TokenRejected(WeChatAPIError):
    """40001 / 40014 / 42001: the access token is invalid or expired; refresh once, retry once."""


class SystemBusy(WeChatAPIError):
    """-1: WeChat is busy; back off and retry."""

    retryable = True


class TransportError(WeChatAPIError):
    """No usable answer (a refused connection, a timeout, a 5xx, a body that is not JSON):
    retried with backoff, but only where a repeat cannot deliver a message twice; see the
    two subclasses."""

    retryable = True


class NotSent(TransportError):
    """The request never left this process: the connection was refused or could not be
    made (or taken from the pool) in time. Safe to retry on every path."""


class OutcomeUnknown(TransportError):
    """The request may have reached WeChat and been carried out: a timeout after it was
    sent, a connection lost before the answer, a 5xx from WeChat's gateway (a 502/504 can
    come after the backend accepted it), an answer that is not JSON. Retried only where an
    idempotency key makes a repeat harmless (template messages: client_msg_id)."""


class TokenUnavailable(WeChatAPIError):
    """No access token in time: another process held the refresh lock past the wait's
    deadline, or the fetch overran its budget. Nothing was sent; a later try may succeed
    (the relay retries the notification with backoff)."""


class NotFollowing(WeChatAPIError):
    """43004: the user does not follow the official account."""


class NoSubscribeConsent(WeChatAPIError):
    """43101: the user has no subscribe-message consent left."""


class OutsideServiceWindow(WeChatAPIError):
    """45015: more than 48 h since the user last interacted; no customer-service message."""


class TooFrequent(WeChatAPIError):
    """45047 / 43117 / 45011 / 45009: a frequency or count limit; try later, another channel."""


class InvalidField(WeChatAPIError):
    """47003: a template field's value breaks its type's rule."""


class TemplateMissing(WeChatAPIError):
    """40037: the template id is not configured for this account (check WECHAT_TEMPLATES)."""


class BadCode(WeChatAPIError):
    """40029 / 40163: a login or OAuth code that is wrong, expired or already used."""


class UserBlocked(WeChatAPIError):
    """40226: the user is blocked by WeChat."""


_BY_CODE: dict[int, type[WeChatAPIError]] = {
    -1: SystemBusy,
    40001: TokenRejected, 40014: TokenRejected, 42001: TokenRejected,
    43004: NotFollowing,
    43101: NoSubscribeConsent,
    45015: OutsideServiceWindow,
    45047: TooFrequent, 43117: TooFrequent, 45011: TooFrequent, 45009: TooFrequent,
    47003: InvalidField,
    40037: TemplateMissing,
    40029: BadCode, 40163: BadCode,
    40226: UserBlocked,
}


def error_for(errcode: int, errmsg: str, path: str) -> WeChatAPIError:
    """The typed error for an errcode."""
    return _BY_CODE.get(errcode, WeChatAPIError)(errcode, errmsg, path)
