"""A TCP proxy on loopback that can misbehave as a sick server does."""

from __future__ import annotations

import asyncio


class Proxy:
    """A TCP proxy on loopback to a real server (host and port, or a unix socket path) that
    can misbehave as a sick server does: `freeze()` stops everything in both directions
    (a server that hangs mid-session), `reply_delay` holds each answer back (a server that
    did the work but answers too late)."""

    def __init__(self, target: tuple[str, int] | str) -> None:
        self.target = target
        self.reply_delay = 0.0
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        """Listen; returns the port."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        """The server answers again (connections opened while frozen stay dead)."""
        self._flowing.set()

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if isinstance(self.target, str):
            return await asyncio.open_unix_connection(self.target)
        return await asyncio.open_connection(*self.target)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    replies: bool) -> None:
        try:
            while data := await reader.read(65536):
                await self._flowing.wait()
                if replies and self.reply_delay:
                    await asyncio.sleep(self.reply_delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        if not self._flowing.is_set():
            return  # a new connection to a hung server is accepted and never answered
        up_reader, up_writer = await self._open_upstream()
        self._writers.append(up_writer)
        for src, dst, replies in ((reader, up_writer, False), (up_reader, writer, True)):
            task = asyncio.get_running_loop().create_task(self._pipe(src, dst, replies))
            self._tasks.add(task)

    async def close(self) -> None:
        self._flowing.set()
        if self._server is not None:
            self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for writer in self._writers:
            writer.close()
