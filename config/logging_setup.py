"""Process-wide logging: one format, per-module loggers, and phones and ID numbers masked in
every record, even where the code that logs forgot."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from services.pii import mask_text

_installed = False
_configured = False


def install_pii_masking() -> None:
    """Wrap the log-record factory so every record is masked when it is created, whatever
    logger or handler it later goes through (idempotent)."""
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
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def setup_logging(level: str = "INFO") -> None:
    """Configure the root logger once (idempotent)."""
    install_pii_masking()
    global _configured
    root = logging.getLogger()
    if _configured:
        return
    _configured = True
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    logging.getLogger("arq.worker").setLevel(logging.WARNING)  # a line per job, every 2 s
