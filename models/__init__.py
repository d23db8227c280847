"""Tortoise models, one module per aggregate, and their migrations (models.migrations)."""

from typing import Any, cast

from tortoise.queryset import QuerySet


async def column(query: QuerySet[Any], field: str) -> list[Any]:
    """One column of a query as a plain list: `values_list(field, flat=True)`, which tortoise's
    annotations type as a list of tuples."""
    return cast(list[Any], await query.values_list(field, flat=True))
