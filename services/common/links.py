"""Signed, expiring links for one person (the exam page, the printable form, certificates):
whoever holds the link acts as that person for that one purpose until it expires."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import urlencode

ANSWER_LINK = "answer"  # an invitation's answer page, from its SMS (web/answer.py)
# the pages a notice that asks something of an expert links to from its SMS (web/act.py):
# purpose -> the page's path
APPEAL_LINK, REPLY_LINK, PAYOUT_LINK = "appeal", "reply", "payout"
TRANSFER_LINK = "transfer"  # a WeChat Pay transfer bill waiting: another way to be paid
NOTICE_PAGES = {APPEAL_LINK: "/s/", REPLY_LINK: "/r/", PAYOUT_LINK: "/f/", TRANSFER_LINK: "/w/"}
NOTICE_LINK_DAYS = 30  # docs/rules-that-are-ours.md: "A notice's link lives 30 days"


class LinkError(ValueError):
    """The link is malformed, forged, for another purpose, or expired."""


class Links:
    """Makes and checks the links; `base` is the service's public address (PUBLIC_BASE_URL)."""

    def __init__(self, secret: str, base: str = "") -> None:
        self._key = hmac.new(secret.encode(), b"expertbot/links", hashlib.sha256).digest()
        self.base = base.rstrip("/")

    def address(self, path: str, **query: str) -> str:
        """The public address of `path` (no signature)."""
        return f"{self.base}{path}" + (f"?{urlencode(query)}" if query else "")

    def url(self, path: str, purpose: str, subject: str, person_id: int, expires: float,
            **query: str) -> str:
        """The public address of `path`, signed for `person_id` until `expires`."""
        return self.address(path, t=self.token(purpose, subject, person_id, expires), **query)

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:22]

    def short(self, purpose: str, subject: str) -> str:
        """A short capability for `subject` (an SMS link must be short): `subject.mac`, no
        person and no expiry in it — the row it names says whose it is and until when."""
        return f"{subject}.{self._mac(f'{purpose}.{subject}')[:16]}"

    def check_short(self, purpose: str, token: str) -> str:
        """The subject of a short capability; LinkError if forged or malformed."""
        subject = token.rpartition(".")[0]
        if not subject or not hmac.compare_digest(self.short(purpose, subject), token):
            raise LinkError("bad signature")
        return subject

    def notice_link(self, purpose: str, row_id: int, expires: float) -> str:
        """The short signed page of one row a notice asks the expert to act on (a sanction
        to appeal, a record to reply to, a fee's bank account or WeChat Pay bill), valid
        until `expires`: the row says whose it is."""
        subject = f"{row_id}-{int(expires)}"
        return self.address(NOTICE_PAGES[purpose] + self.short(purpose, subject))

    def check_notice(self, purpose: str, token: str, now: float | None = None) -> int:
        """The row of a notice link; LinkError("expired") once past its time, LinkError
        otherwise when forged or malformed."""
        subject = self.check_short(purpose, token)
        row, _, expires = subject.partition("-")
        try:
            row_id, until = int(row), int(expires)
        except ValueError:
            raise LinkError("bad link") from None
        if (now if now is not None else time.time()) > until:
            raise LinkError("expired")
        return row_id

    def token(self, purpose: str, subject: str, person_id: int, expires: float) -> str:
        body = f"{purpose}.{subject}.{person_id}.{int(expires)}"
        return f"{person_id}.{int(expires)}.{self._mac(body)}"

    def verify(self, purpose: str, subject: str, token: str, now: float | None = None) -> int:
        """The person the link was made for."""
        try:
            person, expires, mac = token.split(".")
            person_id, exp = int(person), int(expires)
        except ValueError:
            raise LinkError("bad link") from None
        body = f"{purpose}.{subject}.{person_id}.{exp}"
        if not hmac.compare_digest(self._mac(body), mac):
            raise LinkError("bad signature")
        if (now if now is not None else time.time()) > exp:
            raise LinkError("expired")
        return person_id
