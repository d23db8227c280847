"""Every flow module's router, in the order the dispatcher tries them."""

from __future__ import annotations

from bot.conversation.router import Router
from handlers import (
    account,
    checkin,
    common,
    desk,
    draw_reply,
    fallback,
    fees,
    pay,
    performance,
    privacy,
    progress,
    questions,
    training,
)
from handlers.help import feedback, guide, support


def routers() -> list[Router]:
    """Every router, global commands first and the fallback last."""
    return [support.desk_first,  # a ticket open: the desk takes everything, commands too
            common.router, account.router, progress.router, training.router, pay.router,
            fees.router,
            performance.router, privacy.router,
            feedback.router, draw_reply.router, checkin.router, questions.router,
            guide.router, desk.router, support.router, fallback.router]
