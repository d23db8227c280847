"""Personal data leaving the service in clear: what every test's output is scanned for
(the answers the service gives, its log records, what the fake platforms delivered), and
the real phones and ID numbers of the people each test made, to look for however written."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable, Iterator

from aiohttp import web
from tortoise.signals import post_save

from config.observability.logging_setup import install_pii_masking
from miniapp_api.audit import HANDED_OUT
from models.calls import VirtualCall
from models.draws import Notice
from models.orm import sealing
from models.people import Person
from sandbox.platform import Platform
from services.common.pii import find_unmasked
from tests.support.settings import TEST_VAULT

# Phones and ID numbers found unmasked in anything the service sent during the current test
# (chat replies, API responses, log records); an autouse fixture fails the test on any.
LEAKS: list[str] = []
# Everything the service sent during the current test, as (where, text): checked at its end
# against the real phones and ID numbers of every person the test created (KNOWN_*, filled
# by conftest as persons are saved), which does not depend on the masking regex.
OUTPUTS: list[tuple[str, str]] = []
KNOWN_PHONES: set[str] = set()
KNOWN_IDS: set[str] = set()


# venues' contact phones: not personal data, shown unmasked on purpose (GD-DRAW's contacts
# are mobiles); collected below as notices are saved
VENUE_PHONES: set[str] = set()
# numbers a test made that only look like a phone or an ID number (a row id), as written
NOT_PERSONAL: set[str] = set()


# A phone or ID number however its digits are written apart (+86 138 0000 0002,
# 138-0000-0002, 138.0000.0002, 1 3 8...): candidates, checked against the known numbers.
_SEP = r"[ \-.\u00a0]*"


_PHONE_WRITTEN = re.compile(r"(?:(?<![0-9])|(?<=86))1" + _SEP + "[3-9]"
                            + (_SEP + "[0-9]") * 9 + r"(?![0-9])")


_ID_WRITTEN = re.compile(r"(?<![0-9])[1-9]" + (_SEP + "[0-9]") * 16 + _SEP + r"[0-9Xx]"
                         r"(?![0-9])")


# A phone, masked or not, in any of its written forms: what agency views must never show.
PHONE_LIKE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9*]{4}){2}(?![0-9])")


def scan(where: str, text: str) -> None:
    OUTPUTS.append((where, text))
    LEAKS.extend(f"{where}: {found}" for found in personal(text))


# find_unmasked's findings by text, for the current test: a test's answers repeat (the same
# refusal to every role of a matrix, the same page again)
_UNMASKED: dict[str, list[str]] = {}


def personal(text: str) -> list[str]:
    """What find_unmasked finds in `text`, but for venues' contact phones and the numbers a
    test declared NOT_PERSONAL."""
    unmasked = _UNMASKED.get(text)
    if unmasked is None:
        unmasked = _UNMASKED[text] = find_unmasked(text)
    return [found for found in unmasked
            if re.sub(r"[^0-9]", "", found)[-11:] not in VENUE_PHONES
            and found not in NOT_PERSONAL]


def known_leak_finder(phones: set[str], ids: set[str]) -> Callable[[str], list[str]]:
    """A function giving the phones and ID numbers of `phones` / `ids` that a text carries
    in clear, however they are written (with +86, spaces, dashes, dots, a lower-case x)."""
    ids = {i.upper() for i in ids}

    def digits(found: str) -> str:
        return re.sub(r"[^0-9Xx]", "", found).upper()

    def find(text: str) -> list[str]:
        return ([d for m in _PHONE_WRITTEN.finditer(text) if (d := digits(m.group(0))) in phones]
                + [d for m in _ID_WRITTEN.finditer(text) if (d := digits(m.group(0))) in ids])

    return find


# The fake platforms of the current test: what they delivered is scanned at its end.
PLATFORMS: list[Platform] = []
_TEXT_TYPES = ("text/", "application/json", "application/xml", "image/svg+xml")


async def keep_response(request: web.Request, response: web.StreamResponse) -> None:
    """Every body the service answers with (API, chat replies, pages), for the scan at the end
    of the test; the sandbox's own pages (a stand-in for WeChat, not the service) excepted."""
    if request.path.startswith("/sandbox/") or not isinstance(response, web.Response):
        return
    if request.path == "/miniapp/v1/admin/experts" and response.status == 200 and \
            request.query.get("unmasked", "").lower() in ("true", "1"):
        return  # the register in full, for the office that keeps it: each read recorded
    noted = request.get(HANDED_OUT) or {}
    if response.status == 200 and any(shown == "full" for _, shown in noted.get("held", [])):
        return  # a reading in full (the withholding declaration), in 个人信息访问记录
    if not (response.content_type or "").startswith(_TEXT_TYPES):
        return
    body = response.body
    if isinstance(body, bytes | bytearray):
        text = bytes(body).decode(response.charset or "utf-8", "replace")
        scan(f"response {request.method} {request.path} {response.status}", text)


sealing.install(TEST_VAULT)  # the same keys as every app the tests make


@post_save(Person)
async def _remember_personal_data(sender: type[Person], instance: Person, created: bool,
                                  using_db: object, update_fields: object) -> None:
    """The real phone and ID number of every person a test creates (or gives a new phone)."""
    KNOWN_PHONES.add(instance.phone)
    # made with another key (or a placeholder): no number to look for
    with contextlib.suppress(Exception):
        KNOWN_IDS.add(TEST_VAULT.decrypt(instance.id_number_enc))


@post_save(Notice)
async def _remember_venue_phone(sender: type[Notice], instance: Notice, created: bool,
                               using_db: object, update_fields: object) -> None:
    VENUE_PHONES.add(re.sub(r"[^0-9]", "", instance.contact_phone)[-11:])


@post_save(VirtualCall)
async def _remember_middle_number(sender: type[VirtualCall], instance: VirtualCall,
                                  created: bool, using_db: object,
                                  update_fields: object) -> None:
    """A provider's middle number (虚拟号码) is nobody's phone: shown to the staff as it is."""
    if instance.middle_number:
        VENUE_PHONES.add(instance.middle_number)


class _LogScanner(logging.Handler):
    """Sees each record as it leaves through a handler: the log-record factory masked it
    when it was created (config.observability.logging_setup), so this is the text that
    reaches the logs."""

    def emit(self, record: logging.LogRecord) -> None:
        scan(f"log {record.name}", self.format(record))


def _delivered(platform: Platform) -> list[tuple[str, str]]:
    """What the fake platform delivered: customer-service, template and subscribe messages
    and SMS texts. The recipient (openid, or the phone an SMS goes to) is not part of it."""
    return [(f"{sent.kind} to {sent.openid}", json.dumps(sent.payload, ensure_ascii=False))
            for sent in platform.sent]


def _forget_all() -> None:
    for kept in (LEAKS, OUTPUTS, KNOWN_PHONES, KNOWN_IDS, VENUE_PHONES, NOT_PERSONAL,
                 PLATFORMS, _UNMASKED):
        kept.clear()


@contextlib.contextmanager
def watching_for_leaks() -> Iterator[list[str]]:
    """Collects, while open, what the service sends; gives at its end (in the list it
    yielded) every phone and ID number that left in clear. Two checks: the masking regex
    finds nothing unmasked, and none of the real phones and ID numbers of the persons made
    meanwhile appears, however written (so a gap in the regex is found too)."""
    install_pii_masking()
    handler = _LogScanner(level=logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)  # what production logs
    root.addHandler(handler)
    _forget_all()
    leaks: list[str] = []
    try:
        yield leaks
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    delivered = [item for platform in PLATFORMS for item in _delivered(platform)]
    for where, text in delivered:
        LEAKS.extend(f"{where}: {found}" for found in personal(text))
    find = known_leak_finder(KNOWN_PHONES, KNOWN_IDS)
    found_in: dict[str, list[str]] = {}  # each text once (answers repeat)
    known: list[str] = []
    for where, text in OUTPUTS + delivered:
        if text not in found_in:
            found_in[text] = find(text)
        known.extend(f"{where}: {found}" for found in found_in[text])
    leaks.extend(list(LEAKS) + known)
    _forget_all()
