"""The status a person reads of an activity: an ended draw is 抽取完成 until its evaluation
starts, 评标中 until it is over (at its expected end, or an on-site one when everyone has
left: `finished_at`), and only then 已结束; 待补抽 and 复评通知中 where they apply."""

from __future__ import annotations

from datetime import datetime

from models.draws import DrawStatus

DRAWN, EVALUATING = "drawn", "evaluating"  # words in texts/words/draw_status.j2


class ShownStatus:
    """The status a person reads of an activity."""

    @staticmethod
    def shown_status(status: str, eval_start: datetime, finished_at: datetime | None,
                     now: datetime, awaiting_supplement: bool = False) -> str:
        """The key of the status's words (texts/words/draw_status.j2)."""
        if awaiting_supplement:
            return "awaiting_supplement"
        if status == DrawStatus.ENDED and finished_at is None:
            return DRAWN if now < eval_start else EVALUATING
        return status
