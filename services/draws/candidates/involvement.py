"""An invited expert's 3 需回避 saying they took part in the project's 前期规划、论证、设计、
市场调研 (粤财规〔2025〕1号 Art. 21): kept for the project, so that none of its activities draws
them again (services/draws/candidates/pool.py `_avoidance`; the agency's own list:
services/draws/setup/involvement.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from models.draw_handler import ProjectInvolvement

Stage = Literal["规划", "论证", "设计", "市场调研", "前期工作"]
STAGES: tuple[Stage, ...] = ("规划", "论证", "设计", "市场调研", "前期工作")


def stage_of(reason: str) -> Stage | None:
    """The stage an expert's 需回避 reason names: it says 前期, or 参与 with a stage ("3 参与过
    本项目设计"); None otherwise (a unit or a relative is another reason)."""
    said = "".join(reason.split())
    named: Stage | None = next((s for s in ("市场调研", "规划", "论证", "设计") if s in said),
                               None)
    if named is None and "调研" in said:
        named = "市场调研"
    if "前期" in said:
        return named or "前期工作"
    return named if named and "参与" in said else None


async def said_by_expert(project_id: int, expert_id: int, reason: str,
                         now: datetime) -> bool:
    """An invited expert's 需回避 saying they took part: kept for the project (once),
    without a name (the agency must not learn whom the draw invited)."""
    stage = stage_of(reason)
    if stage is None:
        return False
    await ProjectInvolvement.get_or_create(
        project_id=project_id, kind="expert", expert_id=expert_id,
        defaults={"name": "", "stage": stage, "source": "expert",
                  "created_at": now})
    return True
