"""A malformed request is a 400 in words, never a 500: every operation that changes
something is sent a multipart body without its boundary, a body of another content type,
and a body cut short (issue 60: `POST /applications/{id}/attachments/{kind}` and `POST
/draws/activities/{id}/avoidances/import` answered 500 to the first). What was there before
is still there after."""

from __future__ import annotations

import re

from miniapp_api.framework import Access, Endpoint
from miniapp_api.routes import api as collect
from models.applications import Attachment
from models.people import Role
from tests.support.api import Api
from tests.support.applications import applicant, make_batch
from tests.support.draw_world import prepared

HOLDERS = {Role.ADMIN: "admin", Role.AGENCY_HANDLER: "handler",
           Role.AGENCY_LEGAL: "agency_legal", Role.EXPERT: "expert", Role.APPLICANT: "applicant",
           Role.REVIEWER: "reviewer", Role.VERIFIER: "verifier", Role.FINANCE: "finance",
           Role.SECURITY_ADMIN: "security_admin", Role.AUDIT_ADMIN: "audit_admin",
           Role.SUPPORT: "support"}
BOUNDARY = b"--xYz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
# (content type, body): no boundary, another content type, a body cut short
JSON_CUT = ("application/json", b'{"name": "\xe5\xbc')
BROKEN = {"no boundary": ("multipart/form-data", BOUNDARY + b"\r\n%PDF-1.4\r\n--xYz--\r\n"),
          "other type": ("text/plain", b"name=x"),
          "cut short": JSON_CUT}
UPLOAD_CUT = ("multipart/form-data; boundary=xYz", BOUNDARY + b"Content-Type: applic")
WORDS = {"api.content_type", "api.body_malformed", "api.upload_field", "api.upload_malformed"}


def _holder(ep: Endpoint) -> str | None:
    if ep.access == Access.PUBLIC:
        return None
    if ep.roles is None:
        return "expert"
    return next(key for role, key in HOLDERS.items() if role in ep.roles)


async def test_every_operation_answers_a_broken_body_in_words(api: Api, demo: dict) -> None:
    tokens = {key: await api.login(demo[key].mp_openid) for key in set(HOLDERS.values())}
    changing = sorted((ep for ep in collect().endpoints if ep.method in ("POST", "PUT", "DELETE")),
                      key=lambda ep: ep.path.endswith(("/unbind", "/logout")))  # those last
    assert len(changing) > 150
    seen = 0
    for ep in changing:
        # a value each parameter's rule takes (miniapp_api/path_params.py)
        path = re.sub(r"{(\w+)}", lambda m: "1" if m[1].endswith("_id") else
                      "123456" if m[1] == "code" else "x", ep.path)
        holder = _holder(ep)
        cases = dict(BROKEN, **({"cut short": UPLOAD_CUT} if ep.upload else {}))
        for case, (content_type, data) in cases.items():
            answer = await api.send(ep.method, path, tokens.get(holder or ""), data,
                                    content_type)
            if answer.error == "auth.session_expired" and holder:  # an operation signed out
                tokens[holder] = await api.login(demo[holder].mp_openid)
                answer = await api.send(ep.method, path, tokens[holder], data, content_type)
            assert answer.status < 500, (ep.method, ep.path, case, answer.data)
            if answer.status >= 400:  # an operation without a body may just be done
                assert re.search(r"[\u4e00-\u9fff]", answer.message), (ep.path, answer.data)
            if ep.body is not None:  # refused before anything else is read
                assert answer.status == 400 and answer.error in WORDS, (
                    ep.method, ep.path, case, answer.data)
                seen += 1
    assert seen == 3 * sum(1 for ep in changing if ep.body is not None)


async def test_the_two_uploads_that_answered_500_answer_in_words(api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})
              ).data["id"]
    handler = await api.login(demo["handler"].mp_openid)
    aid, _ = await prepared(api, demo, total=1, verify=False, submitted=False)
    shown_before = (await api.call("GET", f"/draws/activities/{aid}", handler)).data[
        "avoidances"]
    for path, who in ((f"/applications/{app_id}/attachments/photo", token),
                      (f"/draws/activities/{aid}/avoidances/import", handler)):
        for content_type, data in (BROKEN["no boundary"], UPLOAD_CUT):
            answer = await api.send("POST", path, who, data, content_type)
            assert answer.status == 400 and answer.error == "api.upload_malformed", (
                path, content_type, answer.data)
            assert "重新上传" in answer.message
        empty = await api.send("POST", path, who, b"--\r\n", "multipart/form-data; boundary=")
        assert empty.status == 400 and "multipart/form-data" in empty.message
        other = await api.send("POST", path, who, b"{}", "application/json")
        assert other.status == 400 and other.error == "api.upload_field"
    assert not await Attachment.filter(application_id=app_id).exists()  # nothing kept
    before = (await api.call("GET", f"/draws/activities/{aid}", handler)).data["avoidances"]
    assert before == shown_before


async def test_an_upload_is_documented_as_multipart(api: Api) -> None:
    doc = (await api.client.get("/miniapp/v1/openapi.json"))
    body = (await doc.json())["paths"]["/applications/{app_id}/attachments/{kind}"]["post"][
        "requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    assert body["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
