"""An evaluation system at the venue, over the signed protocol (docs/evaluation-systems.md):
it reads its centre's committee once the results unseal — masked names, codes, nothing
personal — and nobody else's; a stranger, a forged or replayed request is refused in
words."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp.test_utils import TestClient

from config.settings import Settings
from models.audit import AuditEntry
from models.draws import DrawActivity, Invitation, InvitationStatus
from sandbox.app import sync_followers
from services.common.clock import CHINA
from services.evaluation import EVALUATION_PROTOCOL
from services.federation import ED25519, Identity, Keys, Peer
from tests.support.api import Api
from tests.support.draw_world import finish, make_experts, prepared, start_draw
from tests.support.evaluation import System, centre_of
from tests.support.wechat import Chat

MEMBER_FIELDS = {"code", "name", "specialty", "specialty_name", "venue", "supplementary",
                 "state", "absence", "lent_from"}


async def drawn_committee(client: TestClient, api: Api, chat: Chat, demo: dict
                          ) -> tuple[int, str, list[Invitation]]:
    await make_experts(client, 4, first=4700, specialty="A0802")
    await sync_followers(api.platform)
    # a 磋商小组 of 3, all experts (CK-214 Art. 14: "共3人以上单数组成")
    aid, token = await prepared(api, demo, total=3, specialty="A0802", committee=(3, 0),
                                project_form={"kind": "政府采购/服务",
                                              "tender_method": "竞争性磋商"})
    assert (await start_draw(api, token, aid)).status == 200
    served = await finish(chat, aid)
    assert len(served) == 3
    return aid, token, served


async def unseal(aid: int) -> datetime:
    """The evaluation starts in 20 minutes: its results unsealed."""
    start = datetime.now(UTC) + timedelta(minutes=20)
    await DrawActivity.filter(id=aid).update(eval_start=start,
                                             eval_end=start + timedelta(hours=6))
    return start


async def test_a_system_reads_its_centres_committee_masked_once_unsealed(
        client: TestClient, settings: Settings, api: Api, chat: Chat, demo: dict) -> None:
    aid, _, served = await drawn_committee(client, api, chat, demo)
    system = System()
    registered = await system.register(api, demo, [await centre_of(aid)])
    assert registered["on"] and registered["public_key"]
    # before the results unseal (GD-DRAW: 30 minutes before the evaluation), no names
    sealed = await system.refused("GET",
                                  f"/evaluation/v1/activities/{aid}/committee")
    assert sealed.reason == "sealed" and "解封" in sealed.message
    assert sealed.status == 409  # as documented: the system asks again once unsealed
    start = await unseal(aid)
    day = start.astimezone(CHINA).date().isoformat()
    listed = await system.call("GET", "/evaluation/v1/activities",
                               query={"date": day})
    assert [a["activity_id"] for a in listed["activities"]] == [aid]
    assert listed["activities"][0]["unsealed"] is True
    board = await system.call("GET",
                              f"/evaluation/v1/activities/{aid}/committee")
    assert board["seq"] == 1 and board["number"].endswith(str(aid))
    # the committee as the agency recorded it: the experts drawn and the representatives
    assert board["committee"] == {"body": "磋商小组", "size": 3, "representatives": 0,
                                  "experts": 3}
    assert {m["code"] for m in board["members"]} == {i.code for i in served}
    for member in board["members"]:
        assert set(member) == MEMBER_FIELDS  # nothing more personal than the venue shows
        assert "*" in member["name"] and member["state"] == "serving"
        assert member["specialty"] == "A0802" and "（" not in member["venue"]
    trail = await AuditEntry.filter(action="evaluation").order_by("id")
    assert [e.detail["what"] for e in trail] == ["activities", "committee"]
    assert all(e.detail["peer_name"] == system.identity.name for e in trail)
    # an absence registered: the committee says so, numbered anew
    await Invitation.filter(id=served[0].id).update(status=InvitationStatus.ABSENT,
                                                    absence="请假")
    again = await system.call("GET",
                              f"/evaluation/v1/activities/{aid}/committee")
    gone = next(m for m in again["members"] if m["code"] == served[0].code)
    assert again["seq"] == 2 and gone["state"] == "absent" and gone["absence"] == "请假"


async def test_another_centre_a_stranger_a_forgery_and_a_replay_are_refused(
        client: TestClient, settings: Settings, api: Api, chat: Chat, demo: dict) -> None:
    aid, _, _ = await drawn_committee(client, api, chat, demo)
    await unseal(aid)
    elsewhere = System(Identity("SZJY", "深圳交易中心电子评标系统", Keys.new_private()))
    await elsewhere.register(api, demo, ["440300"])
    other = await elsewhere.refused("GET",
                                    f"/evaluation/v1/activities/{aid}/committee")
    assert other.reason == "no_activity"  # another centre's activity is no activity
    listed = await elsewhere.call("GET", "/evaluation/v1/activities")
    assert listed["activities"] == []
    stranger = System(Identity("NOBODY", "未登记的系统", Keys.new_private()), elsewhere.library)
    refused = await stranger.refused("GET", "/evaluation/v1/activities")
    assert refused.reason == "unknown_peer" and "登记" in refused.message
    # a registered code signing with another key
    forger = System(Identity("SZJY", "深圳交易中心电子评标系统", Keys.new_private()),
                    elsewhere.library)
    forged = await forger.refused("GET", "/evaluation/v1/activities")
    assert forged.reason == "bad_signature"
    # the same signed request twice: the second is a replay
    async with aiohttp.ClientSession() as session:
        caller, library = elsewhere.client(session), elsewhere.library
        assert library is not None
        path = "/evaluation/v1/activities"
        headers = caller.trust.sign_request(library, "GET", path, b"", int(time.time()))
        statuses = []
        for _ in range(2):
            async with session.get(client.make_url(path), headers=headers) as resp:
                statuses.append((resp.status, (await resp.json())["error"]
                                 if resp.status != 200 else ""))
    assert statuses == [(200, ""), (401, "replayed")]
    assert EVALUATION_PROTOCOL.names()[0] in headers  # its own headers, not a library's
    # stopped by the administrator: unknown at once
    admin = await api.login(demo["admin"].mp_openid)
    systems = (await api.call("GET", "/admin/evaluation-systems", admin)).data["systems"]
    mine = next(s for s in systems if s["code"] == "SZJY")
    stopped = await api.call("PUT", f"/admin/evaluation-systems/{mine['id']}", admin, {
        "code": "SZJY", "name": mine["name"], "centres": ["440300"],
        "public_key": mine["public_key"], "active": False})
    assert stopped.status == 200
    after = await elsewhere.refused("GET", "/evaluation/v1/activities")
    assert after.reason == "unknown_peer"


async def test_the_register_refuses_a_bad_key_an_unknown_centre_and_a_taken_code(
        api: Api, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    good = {"code": "GZJY", "name": "广州交易中心电子评标系统", "centres": ["440100"],
            "public_key": Identity("GZJY", "x", Keys.new_private()).public_key()}
    cases = [({"public_key": "bm90IGEga2V5"}, "公钥"),
             ({"public_key": Keys.new_private()}, "sm2:"),  # its private key pasted: refused
             ({"public_key": "sm2:" + base64.b64encode(b"\x04" + b"\x01" * 64).decode()},
              "公钥"),  # 65 bytes, not a point on the SM2 curve
             ({"centres": ["990000"]}, "990000"),
             ({"url": "ftp://x"}, "http")]
    for change, words in cases:
        refused = await api.call("POST", "/admin/evaluation-systems", admin, {**good, **change})
        assert refused.status == 400 and words in refused.message, refused.data
    assert (await api.call("POST", "/admin/evaluation-systems", admin, good)).status == 200
    taken = await api.call("POST", "/admin/evaluation-systems", admin, good)
    assert taken.status == 409 and "已登记" in taken.message
    listed = (await api.call("GET", "/admin/evaluation-systems", admin)).data
    assert [c["name"] for c in listed["systems"][0]["centres"]] == ["广州市公共资源交易中心"]


async def test_a_system_still_on_ed25519_reads_beside_one_on_sm2_and_neither_switches(
        client: TestClient, settings: Settings, api: Api, demo: dict) -> None:
    """The registered key says the algorithm (docs/evaluation-systems.md, "Signing"): a
    system registered with an Ed25519 key is answered with the library's kept Ed25519 key,
    one registered with an SM2 key in SM2; a request in the other algorithm is refused."""
    old = System(Identity("GZJY", "广州交易中心电子评标系统", Keys.new_private(ED25519)))
    new = System(Identity("SZJY", "深圳交易中心电子评标系统", Keys.new_private()))
    shown = await old.register(api, demo, ["440100"])
    await new.register(api, demo, ["440300"])
    assert shown["public_key"].startswith("sm2:") and shown["legacy_public_key"]
    assert old.library and old.library.public_key == shown["legacy_public_key"]
    for system in (old, new):
        assert (await system.call("GET", "/evaluation/v1/activities"))["activities"] == []
    code, url = shown["library_code"], str(api.client.make_url(""))
    old_on_sm2 = System(Identity("GZJY", old.identity.name, Keys.new_private()),
                        Peer(code, code, url, shown["public_key"]))
    new_on_ed = System(Identity("SZJY", new.identity.name, Keys.new_private(ED25519)),
                       old.library)
    for switched in (old_on_sm2, new_on_ed):
        refused = await switched.refused("GET", "/evaluation/v1/activities")
        assert refused.reason == "bad_signature" and "签名" in refused.message
