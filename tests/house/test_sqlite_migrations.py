"""A SQLite database migrated from scratch has every index the models declare — above all
every unique_together, which the database enforces (two concurrent exam starts made two
attempts when a table remake had dropped one: tortoise's AlterField copies a SQLite table
without its separate indexes; models/orm/sqlite_indexes.py puts them back)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tortoise import Tortoise

from config.db.tortoise import MODEL_MODULES

ROOT = Path(__file__).resolve().parents[2]


def _indexes(db: Path) -> set[tuple[str, bool, tuple[str, ...]]]:
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = set()
        for table in tables:
            for _, name, unique, *_ in conn.execute(f'PRAGMA index_list("{table}")'):
                cols = tuple(r[2] for r in conn.execute(f'PRAGMA index_info("{name}")'))
                out.add((table, bool(unique), cols))
    return out


async def test_a_fresh_sqlite_database_has_every_declared_index(infra: dict[str, str]) -> None:
    """Read on the run's own template: the real migrations, run from scratch (this run, or
    for `make check` an earlier one whose models and migrations were the same)."""
    if "SQLITE_TEMPLATE" not in infra:
        pytest.skip("a SQLite database migrated from scratch: the suite's SQLite run reads it")
    db = Path(infra["SQLITE_TEMPLATE"])
    have = _indexes(db)
    await Tortoise.init(db_url="sqlite://:memory:", modules={"models": MODEL_MODULES})
    try:
        missing = []
        for app in Tortoise.apps.apps.values():
            for model in app.values():
                meta = model._meta
                for group in meta.unique_together or ():
                    cols = tuple(getattr(meta.fields_map[n], "source_field", None) or n
                                 for n in group)
                    if (meta.db_table, True, cols) not in have:
                        missing.append(f"{meta.db_table} unique {cols}")
                for name, field in meta.fields_map.items():
                    column = getattr(field, "source_field", None) or name
                    if getattr(field, "index", False) and not field.pk and name in (
                            *meta.db_fields, *meta.fk_fields) and not any(
                            t == meta.db_table and c[:1] == (column,) for t, _, c in have):
                        missing.append(f"{meta.db_table} index {column}")
        assert missing == []
    finally:
        await Tortoise.close_connections()
