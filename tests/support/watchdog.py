"""One thread per worker that fires when a test runs past its time (a thread started for
every test cost the suite a second of CPU per hundred tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Watchdog:
    """Calls `fire` once when `seconds` have passed since `arm()` without `disarm()`."""

    def __init__(self, seconds: float, fire: Callable[[], None]) -> None:
        self.seconds = seconds
        self._fire = fire
        self._deadline: float | None = None
        self._thread: threading.Thread | None = None

    def arm(self) -> None:
        self._deadline = time.monotonic() + self.seconds
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="watchdog", daemon=True)
            self._thread.start()

    def disarm(self) -> None:
        self._deadline = None

    def _watch(self) -> None:
        while True:
            time.sleep(1.0)
            deadline = self._deadline
            if deadline is not None and time.monotonic() > deadline:
                self._deadline = None
                self._fire()
