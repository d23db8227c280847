"""`/public-notice/{app_id}/objection`: an objection against one applicant in the 公示
(JL-GP: "经财政公示无异议后进入政府采购评审专家库"), raised by anyone without signing in —
the objector's name and contact (to be told the ruling), the grounds, up to EVIDENCE_COUNT
files of evidence, an image captcha (web/captcha.py) and the double-submit token the other
forms carry (web/act.py); an address posting too often is refused for the minute. A refusal
shows the form again as it was typed (the files excepted: a browser cannot be handed them
back), with what to do in words. The body is streamed under a cap: a file past its own cap
is read through and dropped, so that the fields after it still arrive."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from services.applicants import EVIDENCE_COUNT, EVIDENCE_MAX, GROUNDS_MAX, MB, Evidence
from services.common.errors import BadInput, Conflict, DomainError, TooLarge, http_status
from services.common.pii import public
from web.act import CSRF_COOKIE, form_token, with_token
from web.captcha import check_answer, new_challenge
from web.context import DOMAIN, TEXTS
from web.pages import FORM_MAX, add_page, render
from web.public_notice import period
from web.rate import over_limit

log = logging.getLogger(__name__)

OBJECTION_PATH = "/public-notice/{app_id}/objection"
POSTS_PER_MINUTE = 5  # per address: a person sends one, maybe fixes it twice
FIELD_MAX = 16 * 1024  # bytes of one text field kept (the grounds: 1000 characters)
BODY_MAX = EVIDENCE_COUNT * EVIDENCE_MAX + MB  # streamed: the files and the fields
FIELDS = ("name", "contact", "grounds")
BROKEN = (ValueError, AssertionError, LookupError, web.HTTPBadRequest)


@dataclass
class Posted:
    """What the form brought: its fields, the files within their cap, the names of those
    past it."""

    fields: dict[str, str] = field(default_factory=dict)
    files: list[Evidence] = field(default_factory=list)
    oversize: list[str] = field(default_factory=list)
    cut: bool = False  # the body passed BODY_MAX: what followed was not read


async def _drain(part: BodyPartReader, keep: int) -> tuple[bytes, int]:
    """The part's first `keep` bytes and its whole size, the rest read and dropped."""
    kept, size = bytearray(), 0
    while chunk := await part.read_chunk():
        size += len(chunk)
        if len(kept) < keep + 1:
            kept.extend(chunk[:keep + 1 - len(kept)])
    return bytes(kept), size


async def read_posted(request: web.Request) -> Posted:
    """The multipart form, streamed under BODY_MAX; BadInput for a body that is no form
    (TooLarge past the cap of the pages' other forms: FORM_MAX)."""
    if request.content_type != "multipart/form-data":
        if (request.content_length or 0) > FORM_MAX:
            raise TooLarge("form.too_long")
        raise BadInput("form.content_type")
    posted, total = Posted(), 0
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                raise BadInput("form.malformed")
            keep = EVIDENCE_MAX if part.filename else FIELD_MAX
            data, size = await _drain(part, keep)
            total += size
            if total > BODY_MAX:
                posted.cut = True
                break
            if part.filename is not None:
                # a browser sends the name as it is; some clients percent-encode it
                name = unquote(part.filename)[:100]
                if part.name == "evidence" and size:
                    if size > EVIDENCE_MAX:
                        posted.oversize.append(name[:60])
                    else:
                        posted.files.append(Evidence(name, data))
            elif part.name in FIELDS or part.name in ("_csrf", "captcha", "challenge"):
                posted.fields[part.name] = data[:FIELD_MAX].decode("utf-8", "replace")
    except BROKEN:
        raise BadInput("form.malformed") from None
    return posted


async def _entry(request: web.Request) -> tuple[int, dict[str, str]]:
    """The applicant objected to, as the board lists them; Conflict once they are not."""
    raw = request.match_info["app_id"]
    app_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0
    now = datetime.now(UTC)
    found = await request.app[DOMAIN].public_notice.listed(app_id, now) if app_id else None
    if found is None:
        raise Conflict("objection.not_in_notice")
    group, entry = found
    return app_id, {"name": entry.name, "unit": entry.work_unit, "batch": group.batch.name,
                    "specialties": "、".join(entry.specialties),
                    "period": period(entry.since, entry.until)}


async def _form(request: web.Request, entry: dict[str, str], typed: dict[str, str],
                refused: str = "", status: int = 200) -> web.Response:
    token = form_token(request)
    challenge = await new_challenge(request)
    response = render(request, "objection.html", status=status, entry=entry, typed=typed,
                      refused=refused, csrf=token, challenge=challenge,
                      count=EVIDENCE_COUNT, mb=EVIDENCE_MAX // MB, limit=GROUNDS_MAX)
    response.headers["Cache-Control"] = "no-store"
    return with_token(request, response, token)


async def form_page(request: web.Request) -> web.Response:
    _, entry = await _entry(request)
    return await _form(request, entry, {})


async def post(request: web.Request) -> web.Response:
    posted = await read_posted(request)  # a body that is no form: refused before all else
    app_id, entry = await _entry(request)
    typed = {k: posted.fields.get(k, "") for k in FIELDS}
    shown = {k: public(v) for k, v in typed.items()}  # given back as typed, not masked
    texts = request.app[TEXTS]

    async def refuse(exc: DomainError, status: int | None = None) -> web.Response:
        return await _form(request, entry, shown, texts.error(exc), status or http_status(exc))

    given, kept = posted.fields.get("_csrf", ""), request.cookies.get(CSRF_COOKIE, "")
    if not kept or not hmac.compare_digest(given.encode(), kept.encode()):
        return await refuse(BadInput("objection.csrf"), 403)
    if await over_limit(request, "objection", POSTS_PER_MINUTE):
        return await refuse(BadInput("objection.too_many"), 429)
    if not await check_answer(request, posted.fields.get("challenge", ""),
                              posted.fields.get("captcha", "")):
        return await refuse(BadInput("objection.captcha_wrong"))
    if posted.cut:
        return await refuse(TooLarge("objection.too_large", count=EVIDENCE_COUNT,
                                     mb=EVIDENCE_MAX // MB))
    if posted.oversize:
        return await refuse(TooLarge("objection.file_too_large", name=posted.oversize[0],
                                     mb=EVIDENCE_MAX // MB))
    try:
        made = await request.app[DOMAIN].public_notice.objections.raise_objection(
            app_id, typed["name"], typed["contact"], typed["grounds"], posted.files,
            datetime.now(UTC))
    except DomainError as exc:
        return await refuse(exc)
    log.info("objection %s raised against application %s", made.id, app_id)
    objections = request.app[DOMAIN].public_notice.objections
    response = render(request, "objection_done.html", entry=entry,
                      number=objections.number(made), by_mail=made.contact_kind == "email")
    response.headers["Cache-Control"] = "no-store"
    return response


def setup_objection_pages(app: web.Application) -> None:
    add_page(app, "GET", OBJECTION_PATH, form_page)
    add_page(app, "POST", OBJECTION_PATH, post, own_body=True)
