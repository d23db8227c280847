"""A form that is no form is refused in words on every console page that takes one, as the
console refuses (its page "无法完成", HTTP 400; 413 past the cap), never a 500 nor an empty
answer: a multipart body without its boundary or cut short, bad percent-encoding, invalid
UTF-8, another content type. It is read before anything else, so nothing is done (a
sign-out signs no one out); a well-formed form still has its CSRF token checked."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from console.bodies import FORM_MAX
from models.audit import AuditEntry
from tests.support.bodies import FORM_BROKEN, FORM_OK, body_routes, path_of, send
from tests.support.console import Desk

OVER_CAP = ("application/x-www-form-urlencoded", b"_csrf=CSRF&name=" + b"a" * FORM_MAX)


async def test_every_console_form_refuses_a_body_that_is_no_form_in_words(
        client: TestClient, demo: dict) -> None:
    forms = body_routes(client.app, "console")
    assert len(forms) > 100 and ("POST", "/console/sign-out") in forms
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    await desk.get("/console/home")
    kept = await AuditEntry.all().count()
    seen = 0
    for method, template in forms:
        path = path_of(template)
        for case, (content_type, body) in {**FORM_BROKEN, "over the cap": OVER_CAP}.items():
            answer = await send(client, method, path, content_type,
                                body.replace(b"CSRF", desk.csrf.encode()))
            assert answer.status == (413 if case == "over the cap" else 400), (
                template, case, answer.status, answer.text[:200])
            assert answer.content_type == "text/html" and "无法完成" in answer.text
            assert answer.in_words(), (template, case, answer.words)
            seen += 1
        # a form, but without its token: the guard still asks for it
        unsigned = await send(client, method, path, FORM_OK[0], FORM_OK[1])
        assert unsigned.status == 403 and "刷新页面" in unsigned.words, (template, unsigned)
    assert seen == len(forms) * (len(FORM_BROKEN) + 1)
    home, _ = await desk.get("/console/home", follow=False)
    assert home.status == 200  # never signed out
    assert await AuditEntry.all().count() == kept  # nothing done


async def test_a_signed_out_visitor_is_refused_in_words_or_sent_to_sign_in(
        client: TestClient) -> None:
    """The pages open signed out read the form too; the others lead to sign-in, unread."""
    desk = Desk(client)
    await desk.get("/console/sign-in")
    content_type, body = FORM_BROKEN["invalid UTF-8"]
    multipart, parts = FORM_BROKEN["multipart cut short in its file"]
    opened = 0
    for method, template in body_routes(client.app, "console"):
        path = path_of(template)
        answer = await send(client, method, path, content_type,
                            body.replace(b"CSRF", desk.csrf.encode()))
        cut = await send(client, method, path, multipart, parts)
        if answer.status == 303:
            assert answer.text == "" and cut.status == 303, template
            continue
        assert answer.status == cut.status == 400, (template, answer.status, cut.status)
        assert answer.in_words() and cut.in_words(), template
        opened += 1
    assert opened >= 2  # sign-in, its second factor
