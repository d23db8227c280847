"""How an activity came (活动来源, GD-DRAW's activity list filters by it: "活动来源 所有来源"):
made new, a 复评 (通知原专家) or a 重新抽取 cloned from an earlier activity, or experts drawn
by another library. Derived from what the activity already records, never stored:

- `DrawActivity.kind` says a 复评 (reeval) or a 重新抽取 (redraw), each cloned from its parent;
- a `PeerAsk` row says one of its conditions is drawn by another library (federation);
- a 补抽 (supplement) serves its parent's evaluation, so it came as its parent did.

The clone's kind comes first: a 重新抽取 whose condition another library draws came as a
重新抽取 (docs/rules-that-are-ours.md)."""

from __future__ import annotations

from enum import StrEnum

from models.draws import ActivityKind


class ActivitySource(StrEnum):
    NEW = "new"  # 新建
    REEVAL = "reeval"  # 复评
    REDRAW = "redraw"  # 重新抽取
    PEER = "peer"  # 其他专家库


_CLONES = f"'{ActivityKind.REEVAL.value}', '{ActivityKind.REDRAW.value}'"


def source_sql(table: str = "draw_activity") -> str:
    """A SQL expression: the source (ActivitySource's value) of the draw_activity row named
    `table` in the enclosing statement. The kinds are the enum's own constants, not input."""
    root = (f"(CASE WHEN {table}.kind = '{ActivityKind.SUPPLEMENT.value}' "
            f"THEN {table}.parent_id ELSE {table}.id END)")
    root_kind = f"(SELECT r.kind FROM draw_activity r WHERE r.id = {root})"
    return (f"(CASE WHEN {root_kind} IN ({_CLONES}) THEN {root_kind} "
            f"WHEN EXISTS (SELECT 1 FROM peer_ask q WHERE q.activity_id = {root}) "
            f"THEN '{ActivitySource.PEER.value}' ELSE '{ActivitySource.NEW.value}' END)")
