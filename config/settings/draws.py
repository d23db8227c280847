"""The draws' times: reminders before the gathering, the system's urges after it, the answer
window of urgent draws. One concept of the service's settings, composed by
config/settings/core.py."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings


class DrawSettings(BaseSettings):
    """Draws: the reminders before the gathering, the urges after it, urgent draws."""

    reminder_minutes: str = Field(
        "1440,120", validation_alias="REMINDER_MINUTES",
        description="reminders to confirmed experts, minutes before the gathering time")
    urge_minutes: str = Field(
        "0,10,20", validation_alias="URGE_MINUTES",
        description="automatic reminders to experts not checked in, minutes after the "
                    "gathering time (3 at most), by WeChat or SMS only: the 3 voice urges "
                    "GD-DRAW allows are the agency's own clicks, one call each")
    emergency_response_minutes: int = Field(
        5, ge=2, le=60, validation_alias="EMERGENCY_RESPONSE_MINUTES",
        description="the answer window of an urgent (应急) draw's invitations, when the "
                    "activity's own window is longer; an urgent draw invites the emergency "
                    "experts (是否愿意成为应急专家: 是) first (docs/rules-that-are-ours.md)")
    draw_sweep_seconds: int = Field(
        15, ge=1, le=30, validation_alias="DRAW_SWEEP_SECONDS",
        description="how often a worker sweeps the draws (lost invitation timers, results "
                    "that unsealed, reminders and urges, other libraries' requests, "
                    "rosters and fee sheets, evaluation systems' committees): every N "
                    "seconds, N dividing 60")

    @field_validator("draw_sweep_seconds")
    @classmethod
    def _divides_a_minute(cls, value: int) -> int:
        if 60 % value:
            raise ValueError("must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30)")
        return value
