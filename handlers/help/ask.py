"""智能客服 in chat: free text no command or flow took, answered from the centre's knowledge
base (services/help) — the best entry's title and words, cut to fit a reply, and its page in
the 帮助中心; when the knowledge base is not sure, the closest entries, the closest commands
and the way to a person (人工客服); when it knows of nothing near, that the question is outside
what the centre handles, with the hotline. The entries are the centre's words: the asker's own
data stands beside them in a line of its own (`mine`, handlers/help/own.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from services.common.links import Links
from services.common.pii import mask_text
from services.common.texts import Texts
from services.help import Help

CHAT_BODY = 420  # characters of an entry's words in a reply (WeChat's text limit is bytes)
ECHO = 20  # characters of what was sent, said back (masked)
HELP_PATH = "/help"


async def knowledge_reply(text: str, asker: tuple[str, int | None], roles: set[str],
                          suggestions: tuple[str, ...], knowledge: Help, texts: Texts,
                          links: Links, now: datetime,
                          mine: Callable[[str], Awaitable[str]] | None = None, *,
                          near_command: bool = False) -> str:
    """The reply to a question in a person's own words (`asker`: the openid and person);
    `mine` gives the asker's own line for an entry's key ("" for none); `near_command`: the
    text is near one of the `suggestions` (a command mistyped), so never outside the
    centre's work."""
    answer = await knowledge.ask(text, knowledge.audiences_of(roles), now, asker)
    if answer.best is not None:
        body = answer.best.body.strip()
        own = await mine(answer.best.key) if mine is not None else ""
        return texts.render("chat/help/answer.j2", title=answer.best.title, own=own,
                            body=body[:CHAT_BODY], cut=len(body) > CHAT_BODY,
                            link=links.address(f"{HELP_PATH}/{answer.best.key}"))
    if not answer.closest and not near_command:  # nothing near: outside what it handles
        return texts.render("chat/help/outside.j2", text=mask_text(text)[:ECHO],
                            hotline=knowledge.contact.hotline, hours=knowledge.contact.hours)
    return texts.render("chat/help/unsure.j2", text=mask_text(text)[:ECHO],
                        closest=[e.title for e in answer.closest], suggestions=suggestions,
                        link=links.address(HELP_PATH))
