"""反馈: a two-step flow (category, then text), saved as Feedback.

| state            | input                  | next             | reply                  |
| ---------------- | ---------------------- | ---------------- | ---------------------- |
| (none)           | 反馈 / 意见 / 建议 / 投诉 | CHOOSE_CATEGORY  | ask_category           |
| CHOOSE_CATEGORY  | 1 / 2 / 3 (１, "2，...") | WRITE_CONTENT    | ask_content            |
| CHOOSE_CATEGORY  | anything else          | CHOOSE_CATEGORY  | re-prompt (owned here) |
| WRITE_CONTENT    | text of 5–500 chars    | (none)           | thanks, with a number  |
| WRITE_CONTENT    | too short / too long   | WRITE_CONTENT    | too_short / too_long   |
| WRITE_CONTENT    | image, voice, ...      | WRITE_CONTENT    | text_only              |
| any              | 取消                    | (none)           | cancelled (global)     |
| any              | 10 minutes of silence  | (none)           | flow_expired notice    |
"""

from __future__ import annotations

import re

from bot.filters import MenuClick, MsgType, Regex, Text
from bot.flow import Flow
from bot.fsm import FSMContext
from bot.incoming import Incoming
from bot.router import Router
from models.wechat import Feedback, WeChatIdentity
from services.texts import Texts

CATEGORIES = {"1": "使用问题", "2": "功能建议", "3": "投诉"}
# a choice: the digit (full-width too), maybe followed by words after punctuation
CHOICE = r"^\s*([123１２３])(?:\s*[,，、:：.。 ]\s*.*)?$"


def digit(text: str) -> str:
    """１ -> 1"""
    return text.translate(str.maketrans("１２３４５６７８９０", "1234567890"))
MIN_LEN, MAX_LEN = 5, 500

flow = Flow("feedback", title="意见反馈", timeout=600)
CHOOSE_CATEGORY = flow.state("choose_category", prompt="chat/feedback/ask_category.j2")
WRITE_CONTENT = flow.state("write_content", prompt="chat/feedback/ask_content.j2")

router = Router("feedback", flows=(flow,))


@router.message(Text("反馈", "意见反馈", "意见", "建议", "投诉"))
@router.event(MenuClick("FEEDBACK"))
async def start(fsm: FSMContext, texts: Texts) -> str:
    fsm.goto(CHOOSE_CATEGORY)
    return texts.render("chat/feedback/ask_category.j2")


@router.message(Regex(CHOICE), state=CHOOSE_CATEGORY)
async def choose(fsm: FSMContext, texts: Texts, match: re.Match[str]) -> str:
    category = CATEGORIES[digit(match.group(1))]
    values = {"category": category, "min_len": MIN_LEN, "max_len": MAX_LEN}
    fsm.goto(WRITE_CONTENT, **values)
    return texts.render("chat/feedback/ask_content.j2", **values)


@router.message(state=CHOOSE_CATEGORY)
async def not_a_category(texts: Texts) -> str:
    """Anything else while choosing: asked again (never taken by another flow)."""
    return texts.render("chat/feedback/ask_category.j2")


@router.message(MsgType("text"), state=WRITE_CONTENT)
async def write(fsm: FSMContext, texts: Texts, msg: Incoming, identity: WeChatIdentity) -> str:
    content = msg.content.strip()
    if len(content) < MIN_LEN:
        return texts.render("chat/feedback/too_short.j2", min_len=MIN_LEN)
    if len(content) > MAX_LEN:
        return texts.render("chat/feedback/too_long.j2", length=len(content), max_len=MAX_LEN)
    category = fsm.data["category"]
    saved = await Feedback.create(identity=identity, category=category, content=content)
    fsm.finish()
    return texts.render("chat/feedback/thanks.j2", category=category, number=f"F{saved.id:06d}")


@router.message(state=WRITE_CONTENT)
async def not_text(texts: Texts) -> str:
    return texts.render("chat/feedback/text_only.j2")
