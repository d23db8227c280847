"""Check-in by WeChat's face verification 2.0 in the mini-program (WX-FACE), where the venue
checks identity: the service opens the verification for the name and ID number on record
(getVerifyId, cert_info), the phone runs wx.requestFacialVerify (the fake plays it), and the
result comes from WeChat to the server (queryVerifyInfo with out_seq_no, openid and
cert_hash; verify_ret 10000). A failure tells the expert in words why and what to do; only
the result and the way are kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.wechat.face import cert_hash
from models.draws import Invitation, InvitationStatus
from models.venues import IdentityCheck
from models.wechat import Channel, WeChatIdentity
from sandbox.fake_face import FACE_VERIFY
from sandbox.fake_face import cert_hash as fake_cert_hash
from tests.support.api import Api
from tests.support.draw_world import drawn, make_experts, the_evaluation_starts_now
from tests.support.wechat import Chat

VENUE = "广州公共资源交易中心"


@pytest.fixture(autouse=True)
def face_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This deployment's mini-program has WeChat's 人脸核身 permission."""
    monkeypatch.setenv("MINIAPP_FACE_VERIFY", "1")
    yield


def test_cert_hash_is_the_documented_one() -> None:
    """WX-FACE's own example: {"cert_type":"IDENTITY_CARD","cert_name":"张三",
    "cert_no":"310101199801011234"} -> 3c241f7f…108b (base64 of each field, joined as
    cert_type=…&cert_name=…&cert_no=…, SHA-256 in lower-case hex)."""
    expected = "3c241f7ff324977aeb91f173bb2a7b06569e6fd784d5573db34a636d8671108b"
    assert cert_hash("张三", "310101199801011234") == expected
    assert fake_cert_hash({"cert_type": "IDENTITY_CARD", "cert_name": "张三",
                           "cert_no": "310101199801011234"}) == expected


async def test_an_expert_checks_in_by_face_after_a_failed_try(
        api: Api, chat: Chat, client: TestClient, demo: dict, wechat: TestServer) -> None:
    await make_experts(client, 6)
    aid, _ = await drawn(api, chat, demo)
    now = datetime.now(UTC)
    await the_evaluation_starts_now(aid, now)
    centre = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("PUT", "/venues", centre, {
        "name": VENUE, "region": "4401", "identity_check": True})).status == 200
    first, second = await Invitation.filter(activity_id=aid,
                                            status=InvitationStatus.CONFIRMED).order_by("id")
    mp = await WeChatIdentity.get(person_id=first.person_id, channel=Channel.MINI_PROGRAM)
    token = await api.login(mp.openid)
    phone = wechat.app[FACE_VERIFY]
    # the mini-program knows to offer it
    mine = await api.call("GET", "/expert/invitations", token)
    listed = next(i for i in mine.data["invitations"] if i["id"] == first.id)
    assert listed["identity_check"] and listed["face_checkin"]
    path = f"/expert/invitations/{first.id}/face-checkin"

    # the expert is told what is done and kept before the face is scanned
    opened = await api.call("POST", path, token)
    assert opened.status == 200, opened.data
    assert opened.data["expires_in"] == 3600
    notice = opened.data["notice"]
    assert "不保存" in notice and "身份证" in notice and first.code in notice
    # the face does not pass (too dark): not checked in, told why and what to do
    phone.perform(opened.data["verify_id"], 90011)
    failed = await api.call("POST", path + "/result", token,
                            {"verify_id": opened.data["verify_id"]})
    assert failed.status == 403
    assert "未通过" in failed.message and "光线充足" in failed.message
    assert "再试一次" in failed.message and "身份证" in failed.message
    assert first.code in failed.message
    assert (await Invitation.get(id=first.id)).checkin_at is None
    # a result is read once
    used = await api.call("POST", path + "/result", token,
                          {"verify_id": opened.data["verify_id"]})
    assert used.status == 404 and "重新选择" in used.message

    # another try passes: checked in, WeChat's word, not the phone's
    again = await api.call("POST", path, token)
    assert again.status == 200, again.data
    early = await api.call("POST", path + "/result", token,
                           {"verify_id": again.data["verify_id"]})
    assert early.status == 503 and "身份证" in early.message  # not performed yet
    again = await api.call("POST", path, token)
    phone.perform(again.data["verify_id"], 10000)
    done = await api.call("POST", path + "/result", token,
                          {"verify_id": again.data["verify_id"]})
    assert done.status == 200, done.data
    assert done.data["action"] == "in" and done.data["arrived"] == 1
    assert "签到成功" in done.data["message"]
    assert (await Invitation.get(id=first.id)).checkin_at is not None

    # what WeChat was asked: the person on record, the mini-program's openid
    sent = list(phone.verifications.values())
    assert {v.openid for v in sent} == {mp.openid}
    # only results and the way are kept: no face, no number
    rows = await IdentityCheck.filter(invitation_id=first.id).order_by("id").values()
    assert [(r["method"], r["passed"], r["failure"]) for r in rows] == [
        ("face", False, "90011"), ("face", True, "")]
    assert set(rows[0]) == {"id", "invitation_id", "person_id", "method", "passed",
                            "failure", "checked_by", "at"}

    # the expert reads the checks in their own data: the way and the result, nothing else
    listed = await api.call("GET", "/me/personal-data", token)
    draws = next(k for k in listed.data["kinds"] if k["key"] == "draws")
    assert [(c["method"], c["passed"]) for c in draws["values"]["identity_checks"]] == [
        ("微信刷脸", False), ("微信刷脸", True)]

    # another expert cannot use someone else's verification, nor check in on their place
    other = await WeChatIdentity.get(person_id=second.person_id,
                                     channel=Channel.MINI_PROGRAM)
    other_token = await api.login(other.openid)
    stolen = await api.call("POST", f"/expert/invitations/{second.id}/face-checkin/result",
                            other_token, {"verify_id": again.data["verify_id"]})
    assert stolen.status == 404
    not_mine = await api.call("POST", path, other_token)
    assert not_mine.status == 404
