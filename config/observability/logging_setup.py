"""Process-wide logging: per-module loggers, phones and ID numbers masked in every record,
even where the code that logs forgot, the request id on every record, and one of two formats:
`text` (a line for people) or `json` (one object a line for a collector: ts, level, logger,
msg, request_id, and the fields a request's or a job's line carries)."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from services.common.pii import mask_text
from services.common.runtime.trace import REQUEST_ID

_installed = False
_configured = False
# a request's or a job's line carries its fields under this record attribute
FIELDS = "fields"


def install_pii_masking() -> None:
    """Wrap the log-record factory so every record is masked when it is created, whatever
    logger or handler it later goes through, and carries the request id of the moment
    (idempotent)."""
    global _installed
    if _installed:
        return
    base = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the record as it is, masked
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = mask_text(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = mask_text("".join(traceback.format_exception(*record.exc_info)))
            record.exc_text = record.exc_text.rstrip("\n")
        record.request_id = REQUEST_ID.get()
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


class JsonFormatter(logging.Formatter):
    """One JSON object a line; text is masked by the record factory before it gets here."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        if rid := getattr(record, "request_id", ""):
            line["request_id"] = rid
        fields = getattr(record, FIELDS, None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(self.formatException(record.exc_info))
        if record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The line for people, with the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rid = getattr(record, "request_id", "")
        return f"{text} [{rid}]" if rid else text


class BufferedStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """stderr through a 64 KB buffer: a line a request would otherwise be a write system
    call a request. Written when the buffer fills, at once for a warning or worse, within
    FLUSH_EVERY s otherwise (a daemon thread), and at exit (logging.shutdown)."""

    FLUSH_EVERY = 0.5

    def __init__(self) -> None:
        try:
            stream: Any = open(sys.stderr.fileno(), "w", buffering=65536,  # noqa: SIM115
                               encoding="utf-8", errors="backslashreplace", closefd=False)
        except (AttributeError, OSError, ValueError):  # no file behind stderr
            stream = sys.stderr
        super().__init__(stream)
        threading.Thread(target=self._flush_now_and_then, name="log-flush",
                         daemon=True).start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.stream.write(self.format(record) + "\n")
            if record.levelno >= logging.WARNING:
                self.flush()
        except Exception:
            self.handleError(record)

    def _flush_now_and_then(self) -> None:
        while True:
            time.sleep(self.FLUSH_EVERY)
            self.flush()


def setup_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Configure the root logger once (idempotent)."""
    install_pii_masking()
    global _configured
    root = logging.getLogger()
    if _configured:
        return
    _configured = True
    # nothing of ours logs the caller's file, thread or process: finding them costs each
    # record several microseconds
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = BufferedStderr()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name, logger_level in logger_levels(fmt).items():
        logging.getLogger(name).setLevel(logger_level)
    logging.getLogger("aiohttp.server").addFilter(BadRequestsBriefly())


class BadRequestsBriefly(logging.Filter):
    """aiohttp logs a malformed request (a request line over 8 KB, a broken header) as an
    ERROR with a traceback: anyone could flood the error log with ordinary 400s. Such a
    record becomes one WARNING line naming the problem, without the traceback or the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError

        problem = record.exc_info[1] if record.exc_info else None
        if isinstance(problem, HttpProcessingError):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = "bad request refused: %s", (type(problem).__name__,)
            record.exc_info = record.exc_text = None
        return True


def logger_levels(fmt: str) -> dict[str, int]:
    """The levels of the libraries' loggers and of the request and job lines."""
    quiet = {
        "aiohttp.access": logging.WARNING,  # ours is expertbot.access, without the query
        "tortoise": logging.WARNING,
        "httpx": logging.WARNING,  # a line per WeChat Pay call; its failures are ours to log
        # ours is expertbot.jobs: arq's INFO lines show a job's arguments (a message's
        # openid and text); its WARNING lines name the job only
        "arq.worker": logging.WARNING,
    }
    # a line per request and per job is for a collector, not a terminal
    lines = logging.INFO if fmt == "json" else logging.WARNING
    return {**quiet, "expertbot.access": lines, "expertbot.jobs": lines}
