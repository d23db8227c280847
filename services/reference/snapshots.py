"""The reference data every process holds in memory (the region list, the specialty
catalogues), read at start and again every REFRESH: an import in one process reaches the
others within that time."""

from __future__ import annotations

import asyncio
import logging

from services.reference.catalogue import forget_catalogues, load_catalogues
from services.reference.regions import REFRESH, install, load_regions, shipped

log = logging.getLogger(__name__)


def forget() -> None:
    """Back to the shipped data until the next read (a process that moves to another
    database: the tests)."""
    install(shipped())
    forget_catalogues()


async def try_load() -> bool:
    """load_reference, or (the database away) keep what the process has: whether it read."""
    try:
        await Snapshots.load_reference()
    except Exception:  # the database away for a while: the old data still answers
        log.warning("could not read the reference data; using what this process has")
        return False
    return True


class Snapshots:
    """The reference data each process holds in memory, read at start and kept fresh (the
    part `snapshots` of Reference)."""

    @staticmethod
    async def load_reference() -> None:
        """Read the region list and every catalogue version into this process."""
        await load_regions()
        await load_catalogues()

    @staticmethod
    async def first_read(within: float = 3.0) -> bool:
        """The read at a process's start, waiting at most `within` seconds (a database that
        does not answer must not hold the start: the process answers busy meanwhile)."""
        try:
            return await asyncio.wait_for(try_load(), within)
        except TimeoutError:
            log.warning("the reference data was not read within %.0f s; read again later", within)
            return False

    @staticmethod
    async def keep_fresh(loaded: bool, sleep: float | None = None) -> None:
        """Read the reference data again every REFRESH for ever (a process's background task);
        a failed read keeps what the process has and is tried again next time. Until the first
        read succeeds (a process started while the database was away), every minute."""
        while True:
            wait = REFRESH.total_seconds() if loaded else 60.0
            await asyncio.sleep(sleep if sleep is not None else wait)
            loaded = await try_load()
