"""A body the server-rendered pages outside the console cannot read (the links in SMS, the
exam page's JSON) is refused in words before the link is looked at, never a 500 nor an
empty answer: a form's page answers with its refusal page, the exam page's API with its
JSON refusal; past the cap, 413. A well-formed body still reaches the link's check."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.support.bodies import FORM_BROKEN, FORM_OK, JSON_BROKEN, JSON_OK, body_routes, send
from web.pages import FORM_MAX

OVER_CAP = {"a form over the cap": ("application/x-www-form-urlencoded",
                                    b"name=" + b"a" * FORM_MAX),
            "JSON over the cap": ("application/json", b'{"name": "' + b"a" * FORM_MAX + b'"}')}


async def test_every_page_refuses_a_body_it_cannot_read_in_words(client: TestClient) -> None:
    pages = body_routes(client.app, "web")
    assert len(pages) >= 6 and ("POST", "/exam/{exam_id}/api/{action}") in pages
    for method, template in pages:
        path = template.replace("{action}", "answer").replace("{exam_id}", "1").replace(
            "{token}", "1-abc").replace("{app_id}", "1")
        for case, (content_type, body) in {**FORM_BROKEN, **JSON_BROKEN, **OVER_CAP}.items():
            answer = await send(client, method, path, content_type, body)
            assert answer.status == (413 if case in OVER_CAP else 400), (
                template, case, answer.status, answer.text[:200])
            assert answer.in_words(), (template, case, answer.text[:200])
        # one of the two well-formed bodies is this page's: the link is what it refuses
        # (the 帮助中心's rating names its answer in the body: a body naming none is refused
        # as no such answer)
        passed = [await send(client, method, path, *ok) for ok in (FORM_OK, JSON_OK)]
        if template == "/public-notice/{app_id}/objection":  # its form is multipart: neither
            assert [a.status for a in passed] == [400, 400], (template, passed)
            assert all(a.in_words() for a in passed), template
            continue
        refused = 404 if template == "/help/feedback" else 403
        assert sorted(a.status for a in passed) == [400, refused], (template, passed)
        assert all(a.in_words() for a in passed), template
