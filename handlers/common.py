"""Global commands (帮助, 菜单, 取消) from any state, the welcome, and the helpful fallback."""

from __future__ import annotations

from bot.event import Event
from bot.filters import BadScene, EventIs, MenuClick, Text
from bot.flow import ANY
from bot.fsm import FSMContext
from bot.incoming import Incoming
from bot.router import Router
from services.pii import mask_text
from services.texts import Texts

HELP_WORDS = ("帮助", "help", "?", "？", "怎么用", "使用说明", "说明")
MENU_WORDS = ("菜单", "menu", "功能", "功能列表")
CANCEL_WORDS = ("取消", "退出", "cancel", "quit", "exit", "不办了", "返回")

router = Router("common")


@router.command(Text(*HELP_WORDS))
@router.event(MenuClick("HELP"))
async def on_help(fsm: FSMContext, texts: Texts) -> str:
    flow_title = fsm.state.flow.title if fsm.state else None
    return texts.render("chat/help.j2", flow_title=flow_title)


@router.command(Text(*MENU_WORDS))
async def on_menu(texts: Texts) -> str:
    return texts.render("chat/menu.j2")


@router.command(Text(*CANCEL_WORDS))
async def on_cancel(fsm: FSMContext, texts: Texts) -> str:
    if fsm.state is None:
        return texts.render("chat/nothing_to_cancel.j2")
    title = fsm.state.flow.title
    fsm.finish()
    return texts.render("chat/cancelled.j2", title=title)


# Included last: feature routers see a scan with their scene first; a plain follow or a scan
# whose scene did not verify ends up here.
fallbacks = Router("fallback")


@fallbacks.event(BadScene())
async def on_bad_scene(msg: Incoming, texts: Texts) -> str:
    bad = texts.render("chat/bad_scene.j2")
    if msg.event == "subscribe":
        return f"{texts.render('chat/welcome.j2')}\n\n{bad}"
    return bad


@fallbacks.event(EventIs("subscribe"))
async def on_subscribe(texts: Texts) -> str:
    return texts.render("chat/welcome.j2")


@fallbacks.fallback(state=ANY)
async def on_anything_else(event: Event, fsm: FSMContext, texts: Texts) -> str:
    if fsm.state is not None:
        state = fsm.state
        prompt = texts.render(state.prompt, **fsm.data) if state.prompt else ""
        return texts.render("chat/fallback_in_flow.j2", prompt=prompt, title=state.flow.title)
    shown = mask_text(event.msg.content)[:20] if event.msg.has_text else ""
    return texts.render("chat/fallback.j2", text=shown)
