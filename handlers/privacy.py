"""个人信息: the 清单 of personal data in words (PIPL Art. 44: 知情权; 《网络数据安全管理条例》
Art. 21) and a signed link to download the machine-readable copy (Art. 45), valid for
LINK_HOURS (docs/rules-that-are-ours.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.conversation.filters import Keyword, Text
from bot.conversation.router import Router
from models.people import Person
from services.common.links import Links
from services.common.texts import Texts
from services.rights import COPY_LINK, COPY_PATH, INVENTORY, PersonalData

router = Router("privacy")
LINK_HOURS = 1


@router.message(Text("个人信息", "个人信息清单", "我的数据", "个人数据", "导出个人信息",
                     "下载个人信息", "个人信息副本", "个人信息保护", "隐私"))
@router.message(Keyword("个人信息清单", "个人信息副本", "导出个人信息", "下载个人信息",
                        "删除个人信息", "更正个人信息"))
async def personal_data_list(person: Person | None, texts: Texts, personal_data: PersonalData,
                             links: Links, now: datetime) -> str:
    """The kinds held, why and how long; the copy's link; how to correct or erase."""
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    expires = now + timedelta(hours=LINK_HOURS)
    link = links.url(COPY_PATH, COPY_LINK, "copy", person.id, expires.timestamp())
    return texts.render("chat/privacy/list.j2", link=link, hours=LINK_HOURS,
                        kinds=[personal_data.describe(k) for k in INVENTORY])
