"""Auto-pipelining of Lua script calls: the calls made during one event-loop turn go to Redis
as one pipeline (one write, one read), as ioredis's autoPipelining does. Under load, the
pushes being handled at the same moment share round trips instead of paying one each."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError, ResponseError

log = logging.getLogger(__name__)


class ScriptBatcher:
    """`call(script, keys, args)` behaves like `script(keys=keys, args=args)`, batched."""

    def __init__(self, redis: Redis, timeout: float, max_batch: int = 128) -> None:
        self._redis = redis
        self._timeout = timeout  # one timer per batch (the client has no per-read timeout)
        self._max_batch = max_batch
        self._queue: list[tuple[str, str, list[Any], asyncio.Future[Any]]] = []
        self._scheduled = False
        self._sending: set[asyncio.Task[None]] = set()
        self._sources: dict[str, str] = {}

    def register(self, source: str) -> str:
        """Register a script; returns its SHA1."""
        sha = self._redis.register_script(source).sha
        self._sources[sha] = source
        return sha

    def call(self, sha: str, keys: list[str], args: list[Any]) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        self._queue.append((sha, str(len(keys)), [*keys, *args], fut))
        if len(self._queue) >= self._max_batch:
            self._flush()
        elif not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush)
        return fut

    def _flush(self) -> None:
        self._scheduled = False
        batch, self._queue = self._queue, []
        if not batch:
            return
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[tuple[str, str, list[Any], asyncio.Future[Any]]]) -> None:
        try:
            results = await self._pipeline(batch)
            missing = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
            if missing:  # the server lost its script cache (restart, failover): load, resend
                for sha in {batch[i][0] for i in missing}:
                    await self._redis.script_load(self._sources[sha])
                retried = await self._pipeline([batch[i] for i in missing])
                for i, result in zip(missing, retried, strict=True):
                    results[i] = result
        except BaseException as exc:
            for *_, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (*_, fut), result in zip(batch, results, strict=True):
            if fut.done():
                continue
            if isinstance(result, Exception):
                fut.set_exception(result)
            else:
                fut.set_result(result)

    async def _pipeline(self, batch: list[tuple[str, str, list[Any], asyncio.Future[Any]]]
                        ) -> list[Any]:
        """One write and the replies, on a pooled connection: what redis-py's pipeline does
        (pack, send, read each reply, keep error replies as values), without its per-call
        objects, retry wrapper and response-callback lookups, which cost more than the
        round trip they save here. A connection left mid-reply (timeout) is dropped."""
        pool = self._redis.connection_pool
        async with asyncio.timeout(self._timeout):
            conn = await pool.get_connection()
            try:
                await conn.send_packed_command(conn.pack_commands(
                    [("EVALSHA", sha, nkeys, *params) for sha, nkeys, params, _ in batch]))
                results: list[Any] = []
                for _ in batch:
                    try:
                        results.append(await conn.read_response())
                    except ResponseError as exc:  # NOSCRIPT and script errors: per call
                        results.append(exc)
            except BaseException:
                await conn.disconnect(nowait=True)
                raise
            finally:
                await pool.release(conn)
        return results
