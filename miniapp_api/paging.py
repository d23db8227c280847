"""The paging parameters and the next-page field every paged list shares (keyset paging:
services/common/paging.py)."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.schemas import Model
from services.common.paging import CURSOR_MAX, MOST, PAGE


class PageQuery(Model):
    limit: int = Field(default=PAGE, ge=1, le=MOST, description="每页条数")
    after: str | None = Field(default=None, max_length=CURSOR_MAX,
                              description="下一页：上一页返回的 next（第一页不填）")


class PageOut(Model):
    next: str | None = Field(default=None,
                             description="下一页的 after；为空表示已是最后一页")
