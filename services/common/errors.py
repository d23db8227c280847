"""One family of refusals. A service raises the error named after the outcome, with a stable
code and the parameters its words need; each edge maps the family once (the mini-program
API: an HTTP status and a JSON body; chat: a reply; web pages: a page). The words are the
template texts/errors/<area>/<name>.j2 of the code `<area>.<name>`, rendered by
services.common.texts.Texts.error, so they can be edited without touching code."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user is told about: `code` names it (`area.name`), `params` fill in its
    words (an error among them is rendered first, so one refusal can quote others)."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code


class BadInput(DomainError):
    """What was sent breaks a rule: correct it and send it again."""


class TooLarge(BadInput):
    """What was sent is over its size limit."""


class NotFound(DomainError):
    """The thing asked about does not exist (or is not the caller's to see)."""


class NotAllowed(DomainError):
    """The caller may not do this: their role, scope or the rules forbid it."""


class ClosedWindow(DomainError):
    """Not at this time: the window for it has not opened yet or has closed."""


class Conflict(DomainError):
    """The current state does not allow it, or someone else changed it first."""


class Locked(DomainError):
    """Too many attempts, or too soon after the last one: wait, then try again."""


class Unavailable(DomainError):
    """A service we depend on (WeChat, WeChat Pay) did not answer: try again later."""


OUTCOMES: tuple[type[DomainError], ...] = (BadInput, TooLarge, NotFound, NotAllowed,
                                           ClosedWindow, Conflict, Locked, Unavailable)

# The HTTP status of each outcome, for the edges that answer over HTTP (the mini-program API
# and the web pages); the most specific class of a refusal decides. Clients tell refusals
# apart by their code, not by the status.
HTTP_STATUS: dict[type[DomainError], int] = {
    TooLarge: 413, BadInput: 400, ClosedWindow: 400, NotFound: 404, NotAllowed: 403,
    Conflict: 409, Locked: 429, Unavailable: 503}


def http_status(exc: DomainError, table: dict[type[DomainError], int] = HTTP_STATUS) -> int:
    return next((table[c] for c in type(exc).__mro__ if c in table), 400)
