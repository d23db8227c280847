"""The parameters of each notification kind the lifecycle sends (texts: texts/notify/<kind>/;
the kinds themselves: services/notifications/kind_registry.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.common.clock import china_time

if TYPE_CHECKING:
    from models.applications import Application
    from services.notifications.kind_registry import NotificationKind
    from services.notifications.outbox import Change


MINIPROGRAM_APPLICATION_PAGE = "pages/application/index"


async def notify_application(change: Change, app: Application, kind: NotificationKind,
                             **extra: Any) -> None:
    params = {"batch": app.batch.name, "at": china_time(change.now),
              "page": f"{MINIPROGRAM_APPLICATION_PAGE}?id={app.id}", **extra}
    await change.notify(kind, params, person_id=app.person_id)
