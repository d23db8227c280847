"""Hand-written statements for the hot reads (issue 20): one round trip where the ORM would
send several, and no per-statement SQL building.

A statement is written once with `?` placeholders and sent through tortoise's own connection
(so it joins the current transaction and the pool's reset), numbered `$1, $2, …` for
asyncpg. Rows of several tables come back in one row with prefixed column names
(`columns(Person, "p")` selects `p."id" AS "p.id", …`) and become models with the same
conversion tortoise's own selects apply (`model_from`). Each statement names its tables and
columns explicitly; none takes text from a caller other than as a bound value, and none has
a `?` other than a placeholder (no such literal, no JSON operator).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from tortoise import Model, connections

M = TypeVar("M", bound=Model)
_PLACEHOLDER = re.compile(r"\?")


@cache
def _numbered(sql: str) -> str:
    count = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _m: f"${next(count)}", sql)


async def rows(sql: str, *values: Any) -> list[dict[str, Any]]:
    """The statement's rows as dicts (column label -> value as the driver returns it)."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        sql = _numbered(sql)
    return list(await conn.execute_query_dict(sql, list(values)))


@cache
def columns(model: type[Model], alias: str, names: tuple[str, ...] = ()) -> str:
    """`alias."col" AS "alias.col", …` for every column of `model`, or for `names`."""
    return ", ".join(f'{alias}."{c}" AS "{alias}.{c}"'
                     for c in (names or sorted(model._meta.db_fields)))


def model_from(model: type[M], row: dict[str, Any], alias: str) -> M | None:
    """The `alias.` columns of a row as a model (partial if not every column was selected),
    converted as tortoise converts its own selects' rows; None when the key column is NULL
    (an outer join found nothing)."""
    prefix = alias + "."
    values = {k[len(prefix):]: v for k, v in row.items() if k.startswith(prefix)}
    if values.get(model._meta.db_pk_column) is None:
        return None
    return model._init_from_db(**values)


def as_datetime(value: Any) -> datetime:
    """A timestamp column's value as an aware UTC datetime: asyncpg returns one, SQLite the
    text tortoise wrote."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
