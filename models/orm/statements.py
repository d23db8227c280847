"""Hand-written statements for the hot reads: one round trip where the ORM would
send several, and no per-statement SQL building.

A statement is written once with `?` placeholders and sent through tortoise's own connection
(so it joins the current transaction and the pool's reset), numbered `$1, $2, …` for
asyncpg. Rows of several tables come back in one row with prefixed column names
(`columns(Person, "p")` selects `p."id" AS "p.id", …`) and become models with the same
conversion tortoise's own selects apply (`models_from`). Each statement names its tables and
columns explicitly; none takes text from a caller other than as a bound value, and none has
a `?` other than a placeholder (no such literal, no JSON operator).
"""

from __future__ import annotations

import functools
import json
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from tortoise import Model, connections
from tortoise.fields import JSONField

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


def models_from(model: type[M], found: list[dict[str, Any]], alias: str) -> list[M | None]:
    """The `alias.` columns of each row as a model (partial if not every column was
    selected), converted as tortoise converts its own selects' rows; None where the key
    column is NULL (an outer join found nothing). The labels are sorted out once per
    statement, not per row."""
    if not found:
        return []
    prefix = alias + "."
    pairs = _pairs(tuple(found[0]), prefix)
    key = prefix + model._meta.db_pk_column
    return [None if row.get(key) is None
            else model._init_from_db(**{column: row[label] for label, column in pairs})
            for row in found]


@functools.lru_cache(maxsize=512)
def _pairs(labels: tuple[str, ...], prefix: str) -> tuple[tuple[str, str], ...]:
    """The labels of a statement's row that are `prefix` columns, with their column names
    (worked out once per statement and alias)."""
    return tuple((label, label[len(prefix):]) for label in labels if label.startswith(prefix))


def model_from(model: type[M], row: dict[str, Any], alias: str) -> M | None:
    """`models_from` for one row."""
    return models_from(model, [row], alias)[0]


def as_datetime(value: Any) -> datetime:
    """A timestamp column's value as an aware UTC datetime: asyncpg returns one, SQLite the
    text tortoise wrote."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def json_rows(model: type[Model], where: str) -> str:
    """A scalar subquery: the rows of `model`'s table (aliased `x`) that `where` selects, as a
    JSON array of objects keyed by column (read back with `models_in`). Its SQL is the
    database's own."""
    return _json_rows(model, where, str(connections.get("default").capabilities.dialect))


@cache
def _json_rows(model: type[Model], where: str, dialect: str) -> str:
    table = model._meta.db_table
    if dialect == "postgres":
        return (f"(SELECT COALESCE(json_agg(x), '[]'::json) FROM {table} x WHERE {where})")
    json_columns = {c for c, _m, f in model._meta.db_complex_fields
                    if isinstance(f, JSONField)}
    pairs = ", ".join(f"'{c}', " + (f'json(x."{c}")' if c in json_columns else f'x."{c}"')
                      for c in sorted(model._meta.db_fields))
    return (f"(SELECT COALESCE(json_group_array(json_object({pairs})), '[]') "
            f"FROM {table} x WHERE {where})")


def models_in(model: type[M], value: Any) -> list[M]:
    """The models of a `json_rows` column, in key order, converted as a select's rows are
    (values JSON carries as text — timestamps, dates — parsed by their fields)."""
    items = json.loads(value) if isinstance(value, (str, bytes)) else (value or [])
    meta = model._meta
    out = []
    for item in items:
        for key, _name, field in meta.db_native_fields:
            if isinstance(item.get(key), str) and field.field_type is not str:
                item[key] = field.to_python_value(item[key])
        for key, _name, field in meta.db_complex_fields:
            if isinstance(field, JSONField) and isinstance(item.get(key), str):
                item[key] = json.dumps(item[key])  # a JSON string: decoded again by the field
        out.append(model._init_from_db(**item))
    out.sort(key=lambda m: m.pk)
    return out


def on_postgres() -> bool:
    """Whether the default connection is PostgreSQL (else SQLite)."""
    return bool(connections.get("default").capabilities.dialect == "postgres")


def one_of(column: str) -> str:
    """`column` is one of a list bound as a single value (`id_list`): one statement text for
    any number of ids, so the driver's prepared statement is reused (an `IN (?, ?, …)` would
    be a new statement for each length)."""
    if on_postgres():
        return f"{column} = ANY(?)"
    return f"{column} IN (SELECT value FROM json_each(?))"


def id_list(values: list[int] | set[int]) -> Any:
    """The bound value `one_of` takes: an array for asyncpg, JSON text for SQLite."""
    ids = sorted(int(v) for v in values)
    if on_postgres():
        return ids
    return json.dumps(ids)
