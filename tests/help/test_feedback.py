"""The 智能客服 learns from its users: an answer is called 有用 or 没用 once (the token it came
with, the same word again changing nothing); 没用 and a question it was not sure of become
review items for the administrator, the same words counted on one item; adding the question
to an entry as a 相似问法 makes the next asker get that entry; a new entry can be written for
it, or it is dismissed; every step is kept with who and when; a weekly table per entry says
how often it came first, answered sure, and the share found 没用."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from models.help import HelpReview
from tests.support.api import Api
from tests.support.wechat import Chat

ODD = "我那个六位数在现场发过去没反应咋整"


async def test_an_answer_is_rated_once_and_a_useless_one_is_reviewed(
        api: Api, demo: dict) -> None:
    asked = await api.call("POST", "/help/ask", json={"question": "劳务费扣税吗"})
    assert asked.data["answered"] and asked.data["token"]
    path = f"/help/answers/{asked.data['answer_id']}/feedback"
    wrong = await api.call("POST", path, json={"token": "x" * 16, "useful": False})
    assert wrong.status == 404
    for _ in range(2):  # said twice: kept once
        rated = await api.call("POST", path, json={"token": asked.data["token"],
                                                   "useful": False})
        assert rated.status == 200 and rated.data["feedback"] == "useless"
        assert "工作人员" in rated.data["said"]
    admin = await api.login(demo["admin"].mp_openid)
    found = await api.call("GET", "/admin/help/reviews", admin)
    (item,) = [r for r in found.data["reviews"] if r["reason"] == "useless"]
    assert item["question"] == "劳务费扣税吗" and item["answered_key"] == "fees-tax"
    assert item["times"] == 1 and item["reason_title"] == "用户评价没用"
    assert [s["state_title"] for s in item["steps"]] == ["待处理"]
    # the weekly table counts it: first, sure, and every rating 没用
    weekly = await api.call("GET", "/admin/help/weekly", admin)
    (tax,) = [e for e in weekly.data["entries"] if e["key"] == "fees-tax"]
    (week,) = tax["weeks"]
    assert (week["asked"], week["sure"], week["useless"]) == (1, 1, 1)
    assert week["useless_share"] == "100%" and "年" in week["week_title"]
    refused = await api.call("GET", "/admin/help/reviews",
                             await api.login(demo["expert"].mp_openid))
    assert refused.status == 403


async def test_an_unsure_question_attached_as_a_similar_wording_is_answered_next_time(
        api: Api, demo: dict) -> None:
    for _ in range(2):
        first = await api.call("POST", "/help/ask", json={"question": ODD,
                                                          "audience": "expert"})
        assert not first.data["answered"]
    admin = await api.login(demo["admin"].mp_openid)
    found = await api.call("GET", "/admin/help/reviews", admin)
    (item,) = [r for r in found.data["reviews"] if r["question"] == ODD]
    assert item["times"] == 2 and item["reason"] == "unsure"
    kept = await api.call("GET", "/admin/help/entries", admin)
    checkin = next(e for e in kept.data["entries"] if e["process"] == "checkin"
                   and "expert" in e["audiences"])
    done = await api.call("POST", f"/admin/help/reviews/{item['id']}/attach", admin,
                          {"key": checkin["key"]})
    assert done.status == 200 and done.data["state_title"] == "已加为相似问法"
    assert done.data["steps"][-1]["by"] and "*" in done.data["steps"][-1]["by"]
    history = await api.call("GET", f"/admin/help/entries/{checkin['key']}/history", admin)
    assert history.data["versions"][0]["version"] == checkin["version"] + 1
    assert history.data["versions"][0]["note"] == f"来自待处理提问第{item['id']}号"
    again = await api.call("POST", "/help/ask", json={"question": ODD, "audience": "expert"})
    assert again.data["answered"] and again.data["entry"]["key"] == checkin["key"]
    twice = await api.call("POST", f"/admin/help/reviews/{item['id']}/dismiss", admin, {})
    assert twice.status == 409
    decided = await api.call("GET", "/admin/help/reviews", admin,
                             params={"state": "attached"})
    assert [r["id"] for r in decided.data["reviews"]] == [item["id"]]


async def test_a_new_entry_is_written_for_a_question_or_it_is_dismissed(
        api: Api, client: TestClient, demo: dict) -> None:
    for question in ("评标现场有没有停车位", "明天广州会下雨吗"):
        await api.call("POST", "/help/ask", json={"question": question})
    admin = await api.login(demo["admin"].mp_openid)
    found = {r["question"]: r for r in (await api.call(
        "GET", "/admin/help/reviews", admin)).data["reviews"]}
    parking, rain = found["评标现场有没有停车位"], found["明天广州会下雨吗"]
    written = await api.call("POST", f"/admin/help/reviews/{parking['id']}/write", admin, {
        "title": "评标现场能停车吗？", "audiences": ["expert"], "process": "checkin",
        "keywords": ["停车"], "body": "评标场地一般设有访客停车位，以邀请短信里的说明为准。",
        "note": "专家常问"})
    assert written.status == 200 and written.data["state"] == "written"
    key = written.data["entry_key"]
    page = await client.get(f"/help/{key}")
    assert page.status == 200 and "评标现场能停车吗？" in await page.text()
    asked = await api.call("POST", "/help/ask", json={"question": "评标现场有没有停车位",
                                                      "audience": "expert"})
    assert asked.data["answered"] and asked.data["entry"]["key"] == key
    dismissed = await api.call("POST", f"/admin/help/reviews/{rain['id']}/dismiss", admin,
                               {"note": "与评标无关"})
    assert dismissed.data["state_title"] == "不处理"
    assert dismissed.data["steps"][-1]["note"] == "与评标无关"
    assert await HelpReview.filter(state="open").count() == 0


async def test_the_help_center_takes_a_rating_from_its_buttons(client: TestClient) -> None:
    page = await client.get("/help", params={"q": "劳务费扣税吗"})
    text = await page.text()
    assert 'data-testid="useless"' in text
    answer = text.split('name="answer" value="')[1].split('"')[0]
    token = text.split('name="token" value="')[1].split('"')[0]
    rated = await client.post("/help/feedback", data={"answer": answer, "token": token,
                                                      "useful": "0"})
    assert rated.status == 200 and "工作人员" in await rated.text()
    forged = await client.post("/help/feedback", data={"answer": answer, "token": "nope",
                                                       "useful": "1"})
    assert forged.status == 404
    assert await HelpReview.filter(reason="useless", answered_key="fees-tax").count() == 1


async def test_in_chat_1_or_2_just_after_an_answer_rates_it(chat: Chat, demo: dict) -> None:
    """No invitation open: the digit is the rating of the answer just given, once."""
    openid = demo["expert"].openid
    answer = (await chat.say(openid, "劳务费扣税吗")).text
    assert "回复1有用、2没用" in answer
    rated = (await chat.say(openid, "2")).text
    assert "工作人员" in rated
    again = (await chat.say(openid, "2")).text  # rated already: a question again
    assert "谢谢您的评价" not in again
    assert await HelpReview.filter(reason="useless", answered_key="fees-tax").count() == 1
