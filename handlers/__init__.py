"""Conversational flows, one module per flow; `routers()` lists them in priority order."""

from __future__ import annotations

from bot.router import Router


def routers() -> list[Router]:
    """Every router, globals first and the fallback last."""
    from handlers import (
        account,
        checkin,
        common,
        draw_reply,
        feedback,
        notifications,
        pay,
        progress,
        questions,
    )

    return [common.router, notifications.router, account.router, progress.router,
            pay.router, feedback.router, draw_reply.router, checkin.router, questions.router,
            common.fallbacks]
