"""Indexes a SQLite table loses when tortoise's migrations remake it (AlterField copies the
table into a new one without its separate indexes, unique_together included), put back from
the migration state itself. Used by migrations as a RunPython step; a no-op elsewhere."""

from __future__ import annotations

from typing import Any


def _column(meta: Any, name: str) -> str:
    field = meta.fields_map[name]
    return str(getattr(field, "source_field", None) or name)


def statements(apps: Any) -> list[str]:
    """CREATE [UNIQUE] INDEX IF NOT EXISTS for every indexed column and unique_together of
    every model in the state."""
    out = []
    for model in apps.apps.get("models", {}).values():
        meta = model._meta
        table = meta.db_table
        for name, field in meta.fields_map.items():
            stored = name in meta.db_fields or getattr(field, "source_field", None)
            if field.pk or not getattr(field, "index", False) or not stored:
                continue
            column = _column(meta, name)
            out.append(f'CREATE INDEX IF NOT EXISTS "idx_{table}_{column}" '
                       f'ON "{table}" ("{column}")')
        groups = [(True, g) for g in meta.unique_together or ()] + [
            (False, getattr(i, "fields", i)) for i in meta.indexes or ()]
        for unique, group in groups:
            columns = [_column(meta, n) for n in group]
            quoted = ", ".join(f'"{c}"' for c in columns)
            out.append(f'CREATE {"UNIQUE " if unique else ""}INDEX IF NOT EXISTS '
                       f'"{"uid" if unique else "idx"}_{table}_{"_".join(columns)}" '
                       f'ON "{table}" ({quoted})')
    return out


async def _covered(client: Any, table: str) -> set[tuple[bool, tuple[str, ...]]]:
    """(unique, columns) of the indexes the table has."""
    have = set()
    for index in await client.execute_query_dict(f'PRAGMA index_list("{table}")'):
        cols = await client.execute_query_dict(f'PRAGMA index_info("{index["name"]}")')
        have.add((bool(index["unique"]), tuple(c["name"] for c in cols)))
    return have


async def restore(apps: Any, editor: Any) -> None:
    if editor.client.capabilities.dialect != "sqlite":
        return
    covered: dict[str, set[tuple[bool, tuple[str, ...]]]] = {}
    for sql in statements(apps):
        table = sql.split(' ON "', 1)[1].split('"', 1)[0]
        columns = tuple(c.strip(' "') for c in sql.rsplit("(", 1)[1].rstrip(")").split(","))
        if table not in covered:
            covered[table] = await _covered(editor.client, table)
        unique = sql.startswith("CREATE UNIQUE")
        if (unique, columns) in covered[table] or (not unique and (True, columns) in
                                                   covered[table]):
            continue  # the table still has it
        await editor.client.execute_script(sql)
        covered[table].add((unique, columns))
