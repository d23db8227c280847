"""A command never swallows a question: text that asks about a command's subject ("…能退吗",
"…是怎么扣的", "…在哪里看") is answered from the knowledge base, with the asker's own data
beside it where the subject is theirs; a bare command word (or the command's own question,
"审核到哪了") still runs the command; a question the centre does not handle is told so
plainly, with the way to a person."""

from __future__ import annotations

from sandbox.platform import Platform
from tests.support.wechat import Chat, answered


async def test_a_question_about_a_commands_subject_gets_the_knowledge_answer(
        chat: Chat, platform: Platform, demo: dict) -> None:
    applicant, expert = demo["applicant"], demo["expert"]
    # 报名 is a command (the open batches); asking whether the fee comes back is not
    refund = await answered(chat, platform, applicant.openid, "报名费交了以后能退吗")
    assert refund.startswith("【培训费能退吗？】") or "【培训费能退吗？】" in refund
    assert "批次" not in refund.split("【")[0]
    # the rule of how points are lost, with the expert's own score beside it
    credit = await answered(chat, platform, expert.openid, "信用分是怎么扣的")
    assert credit.startswith("您的信用分 100 分")
    assert "【我的信用分是怎么算的？】" in credit and "扣" in credit
    # where the invoice is read, with the applicant's own payments beside it
    invoice = await answered(chat, platform, applicant.openid, "缴费以后发票在哪里看")
    assert "【发票怎么开？能开单位抬头吗？发到哪里？】" in invoice
    assert invoice.startswith("您还没有缴费记录。")


async def test_a_bare_command_word_still_runs_the_command(
        chat: Chat, platform: Platform, demo: dict) -> None:
    expert, applicant = demo["expert"], demo["applicant"]
    for said in ("信用分", "我的信用分", "信用分？"):
        mine = await answered(chat, platform, expert.openid, said)
        assert mine.startswith("我的信用分") or "信用分：" in mine, said
        assert "【" not in mine, said
    paid = await answered(chat, platform, applicant.openid, "缴费记录")
    assert "【" not in paid
    # a keyword that is itself the question a command answers stays the command's
    where = await answered(chat, platform, applicant.openid, "我的申请审核到哪了")
    assert "【" not in where


async def test_a_question_outside_what_the_centre_handles_is_told_so(
        chat: Chat, platform: Platform, demo: dict) -> None:
    said = await answered(chat, platform, demo["expert"].openid,
                          "附近哪家火锅店好吃")
    assert "不在评标专家库服务中心办理的事项范围内" in said
    assert "回复「人工客服」" in said and "【" not in said
