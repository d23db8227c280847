"""A console form's body, read once by the guard before its CSRF token is checked: URL-encoded
(strictly, services/common/bodies.py) or multipart, under the page's cap. A body that is no
form — another content type, a multipart body without its boundary or cut short, bad
percent-encoding, text that is not UTF-8 — is a BadInput, one over the cap a TooLarge, both
shown as the console shows every refusal (a page in words); aiohttp's own reader would
answer a 500. The form is kept where `request.post()` finds it, so every page reads it as
before."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from tempfile import SpooledTemporaryFile

from aiohttp import BodyPartReader, hdrs, web
from multidict import MultiDict, MultiDictProxy

from miniapp_api.framework import MULTIPART_BROKEN
from services.applicants import MB
from services.common.bodies import FIELDS_MAX, FORM_TYPE, MULTIPART_TYPE, form_pairs
from services.common.errors import BadInput, TooLarge
from services.draws.setup import EVIDENCE_MAX
from services.education import MATERIAL_MAX

FORM_MAX = 1024 * 1024  # a form without a file (aiohttp's default for any body)
# a form with a file (the evidence: 10 MB at most) and its fields, for a signed-in person
# (a signed-out one posts forms without files); a scanned PDF is often more than 1 MiB
UPLOAD_MAX = EVIDENCE_MAX + MB
MATERIAL_UPLOAD = MATERIAL_MAX + MB  # a batch's training material (a video, a slide deck)
SPOOL = 1024 * 1024  # a file's part kept in memory up to this, on disk past it
Posted = MultiDict[str | bytes | bytearray | web.FileField]  # what aiohttp keeps


async def read_form(request: web.Request, signed_in: bool) -> None:
    """Read and keep the posted form, refused as above."""
    if request.content_type == MULTIPART_TYPE:
        if not signed_in:
            form = await _multipart(request, FORM_MAX, TooLarge("form.too_large"))
        elif request.path.endswith("/materials"):
            form = await _multipart(request, MATERIAL_UPLOAD, TooLarge(
                "material.too_large", mb=MATERIAL_MAX // MB))
        else:
            form = await _multipart(request, UPLOAD_MAX, TooLarge(
                "evidence.too_large", mb=EVIDENCE_MAX // MB))
    elif request.content_type == FORM_TYPE or not request.body_exists:  # none: no field
        limit = TooLarge("form.too_large")
        if (request.content_length or 0) > FORM_MAX:
            raise limit
        try:
            raw = await request.read()  # aiohttp's cap for a body (1 MiB) is FORM_MAX
        except web.HTTPRequestEntityTooLarge:
            raise limit from None
        form = MultiDict(form_pairs(raw, request.charset))
    else:
        raise BadInput("form.content_type")
    # what aiohttp's own parser would have kept; it closes the files when the request ends
    request._post = MultiDictProxy(form)


async def _multipart(request: web.Request, cap: int, too_large: TooLarge) -> Posted:
    if (request.content_length or 0) > cap:
        raise too_large
    form: Posted = MultiDict()
    files: list[SpooledTemporaryFile[bytes]] = []
    left = [cap]  # what the parts read so far leave of the cap

    async def chunks(part: BodyPartReader) -> AsyncIterator[bytes]:
        while chunk := await part.read_chunk():
            left[0] -= len(chunk)
            if left[0] < 0:
                raise too_large
            yield chunk

    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                raise BadInput("form.malformed")  # a form nested in a form, a nameless field
            if len(form) >= FIELDS_MAX:
                raise TooLarge("form.too_large")
            kind = part.headers.get(hdrs.CONTENT_TYPE)
            if part.filename:
                file = SpooledTemporaryFile(SPOOL)  # noqa: SIM115 (closed with the request)
                files.append(file)
                async for chunk in chunks(part):
                    if file.tell() + len(chunk) > SPOOL:  # on disk: off the event loop
                        await asyncio.get_running_loop().run_in_executor(None, file.write,
                                                                         chunk)
                    else:
                        file.write(chunk)
                file.seek(0)
                form.add(part.name, web.FileField(part.name, part.filename, file,
                                                  kind or "application/octet-stream",
                                                  part.headers))
                continue
            raw = bytearray()
            async for chunk in chunks(part):
                raw.extend(chunk)
            if kind is None or kind.startswith("text/"):  # as aiohttp's parser keeps them
                form.add(part.name, raw.decode(part.get_charset(default="utf-8")))
            else:
                form.add(part.name, bytes(raw))
    except MULTIPART_BROKEN:  # UnicodeDecodeError among them, a ValueError
        _close(files)
        raise BadInput("form.malformed") from None
    except BaseException:
        _close(files)
        raise
    return form


def _close(files: list[SpooledTemporaryFile[bytes]]) -> None:
    for file in files:
        file.close()
