"""Global commands (帮助, 菜单, 取消) from any state."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.filters import MenuClick, Text
from bot.conversation.flow import END
from bot.conversation.fsm import FSMContext
from bot.conversation.router import Router
from handlers.commands import help_for
from models.people import Person
from services.common.texts import Texts
from services.people import People

HELP_WORDS = ("帮助", "help", "?", "？", "怎么用", "使用说明", "说明")
MENU_WORDS = ("菜单", "menu", "功能", "功能列表")
CANCEL_WORDS = ("取消", "退出", "cancel", "quit", "exit", "不办了", "返回")

router = Router("common")


@router.command(Text(*HELP_WORDS))
@router.event(MenuClick("HELP"))
async def on_help(fsm: FSMContext, texts: Texts, person: Person | None, people: People,
                  now: datetime) -> str:
    """What this user can say (their own roles' commands, then everyone's); inside a flow,
    how to go on or leave it."""
    flow_title = fsm.state.flow.title if fsm.state else None
    roles = ({g.role for g in await people.active_roles(person.id, now)}
             if person is not None else set())
    return texts.render("chat/help.j2", flow_title=flow_title,
                        sections=help_for(person is not None, roles))


@router.command(Text(*MENU_WORDS))
async def on_menu(texts: Texts) -> str:
    """The numbered list of features."""
    return texts.render("chat/menu.j2")


@router.command(Text(*CANCEL_WORDS), goto=END)
async def on_cancel(fsm: FSMContext, texts: Texts) -> str:
    """Leaves the flow the user is in."""
    if fsm.state is None:
        return texts.render("chat/nothing_to_cancel.j2")
    title = fsm.state.flow.title
    fsm.finish()
    return texts.render("chat/cancelled.j2", title=title)
