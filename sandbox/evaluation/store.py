"""The fake evaluation system's own database, a SQLite file: the committees it holds (read
or pushed, by activity and number), every push it heard and what it answered, what it sent
to the library and the answers it got, and the nonces it has seen. A system restarted on the
same file still knows the last committee it applied, so a push replayed after the restart
is answered as one already applied."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import aiosqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS committees (
    activity_id INTEGER NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
    source TEXT NOT NULL, received_at REAL NOT NULL, PRIMARY KEY (activity_id, seq));
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY, activity_id INTEGER NOT NULL, seq INTEGER NOT NULL,
    applied INTEGER NOT NULL, answered INTEGER, fault TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sent (
    id INTEGER PRIMARY KEY, activity_id INTEGER NOT NULL, kind TEXT NOT NULL,
    body TEXT NOT NULL, answer TEXT, refused INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '', at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (key TEXT PRIMARY KEY, until REAL NOT NULL);
CREATE TABLE IF NOT EXISTS reviews (
    activity_id INTEGER NOT NULL, number INTEGER NOT NULL, body TEXT NOT NULL,
    at REAL NOT NULL, PRIMARY KEY (activity_id, number));
"""


class SystemStore:
    """The database, opened when first used (the sandbox's instance is built before the
    event loop runs)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None
        self._opening = asyncio.Lock()

    async def db(self) -> aiosqlite.Connection:
        """The open connection (opened, and the tables made, on first use)."""
        async with self._opening:
            if self._db is None:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                db = await aiosqlite.connect(self.path)
                db.row_factory = aiosqlite.Row
                await db.executescript(SCHEMA)
                await db.commit()
                self._db = db
            return self._db

    async def close(self) -> None:
        """Close the file (opened again if used later)."""
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()

    async def last_seq(self, activity_id: int) -> int:
        """The number of the last committee held for the activity (0: none)."""
        db = await self.db()
        async with db.execute("SELECT MAX(seq) FROM committees WHERE activity_id = ?",
                              (activity_id,)) as rows:
            row = await rows.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    async def hold(self, activity_id: int, seq: int, body: dict[str, Any], source: str) -> bool:
        """Keep a committee once by its number; whether this call kept it."""
        db = await self.db()
        cursor = await db.execute(
            "INSERT OR IGNORE INTO committees (activity_id, seq, body, source, received_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (activity_id, seq, json.dumps(body, ensure_ascii=False), source, time.time()))
        await db.commit()
        return cursor.rowcount == 1

    async def committee(self, activity_id: int) -> dict[str, Any] | None:
        """The latest committee held for the activity."""
        db = await self.db()
        async with db.execute("SELECT body FROM committees WHERE activity_id = ? "
                              "ORDER BY seq DESC LIMIT 1", (activity_id,)) as rows:
            row = await rows.fetchone()
        return json.loads(row[0]) if row else None

    async def heard(self, activity_id: int, seq: int, applied: bool, answered: int | None,
                    fault: str) -> None:
        """A push heard and what it was answered (`answered` None: no number given)."""
        db = await self.db()
        await db.execute("INSERT INTO deliveries (activity_id, seq, applied, answered, fault, "
                         "at) VALUES (?, ?, ?, ?, ?, ?)",
                         (activity_id, seq, int(applied), answered, fault, time.time()))
        await db.commit()

    async def review(self, activity_id: int, number: int, body: dict[str, Any]) -> bool:
        """The library's request that the committee re-check, kept once by its number;
        whether this delivery kept it (a second delivery is acknowledged, not kept)."""
        db = await self.db()
        cursor = await db.execute(
            "INSERT OR IGNORE INTO reviews (activity_id, number, body, at) VALUES (?, ?, ?, ?)",
            (activity_id, number, json.dumps(body, ensure_ascii=False), time.time()))
        await db.commit()
        return cursor.rowcount == 1

    async def sending(self, activity_id: int, kind: str, body: dict[str, Any],
                      note: str = "") -> int:
        """A message about to go to the library, kept before it goes (a lost answer is then
        sent again unchanged); its row."""
        db = await self.db()
        cursor = await db.execute(
            "INSERT INTO sent (activity_id, kind, body, note, at) VALUES (?, ?, ?, ?, ?)",
            (activity_id, kind, json.dumps(body, ensure_ascii=False), note, time.time()))
        await db.commit()
        return int(cursor.lastrowid or 0)

    async def answered(self, row: int, answer: dict[str, Any], refused: bool = False) -> None:
        """The library's answer to a message sent (`refused`: it said no)."""
        db = await self.db()
        await db.execute("UPDATE sent SET answer = ?, refused = ? WHERE id = ?",
                         (json.dumps(answer, ensure_ascii=False), int(refused), row))
        await db.commit()

    async def first_sent(self, activity_id: int, kind: str) -> tuple[dict[str, Any], str] | None:
        """The first message of a kind sent for the activity and not refused, and its note."""
        db = await self.db()
        async with db.execute("SELECT body, note FROM sent WHERE activity_id = ? AND kind = ? "
                              "AND refused = 0 "
                              "ORDER BY id LIMIT 1", (activity_id, kind)) as rows:
            row = await rows.fetchone()
        return (json.loads(row[0]), str(row[1])) if row else None

    async def state(self, activity_id: int) -> dict[str, Any]:
        """Everything held about one activity, oldest first (what a test or a tester reads)."""
        db = await self.db()
        out: dict[str, Any] = {"activity_id": activity_id}
        for table, columns in (("committees", "seq, source, body"),
                               ("deliveries", "seq, applied, answered, fault"),
                               ("sent", "kind, body, answer, refused, note"),
                               ("reviews", "number, body")):
            order = {"committees": "seq", "reviews": "number"}.get(table, "id")
            async with db.execute(f"SELECT {columns} FROM {table} WHERE activity_id = ? "
                                  f"ORDER BY {order}", (activity_id,)) as rows:
                out[table] = [_row(dict(r)) for r in await rows.fetchall()]
        return out

    async def set(self, key: str, value: str, nx: bool = True, ex: int = 600) -> bool:
        """A nonce seen, Redis's SET NX EX as services.federation.Trust asks it: whether it
        was new (a nonce seen more than `ex` seconds ago is new again)."""
        db = await self.db()
        now = time.time()
        await db.execute("DELETE FROM nonces WHERE until < ?", (now,))
        cursor = await db.execute("INSERT OR IGNORE INTO nonces (key, until) VALUES (?, ?)",
                                  (key, now + ex))
        await db.commit()
        return cursor.rowcount == 1


def _row(row: dict[str, Any]) -> dict[str, Any]:
    """A row with its JSON columns read and its flags as booleans."""
    for key in ("body", "answer"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    for key in ("applied", "refused"):
        if key in row:
            row[key] = bool(row[key])
    return row
