"""What a test module reads out of the sources at collection (the error codes the product
code names, say): worked out by the first of the run's workers, the others wait and read
it, and kept in var/test-cache/ while none of the files it came from has changed (their
paths, sizes and modification times name it)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from config.settings import ROOT

CACHE = ROOT / "var" / "test-cache"


def _key(name: str, inputs: Iterable[Path]) -> str:
    digest = hashlib.sha256(name.encode())
    for path in sorted(inputs):
        stat = path.stat()
        digest.update(f"{path.relative_to(ROOT)}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                      .encode())
    return digest.hexdigest()[:16]


def from_sources(name: str, inputs: Iterable[Path], compute: Callable[[], Any]) -> Any:
    """`compute()` (a JSON value) for these `inputs`, worked out once while they are as
    they are."""
    CACHE.mkdir(parents=True, exist_ok=True)
    kept = CACHE / f"{name}-{_key(name, inputs)}.json"
    with open(CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker computes, the others wait
        if kept.exists():
            return json.loads(kept.read_text(encoding="utf-8"))
        value = compute()
        for old in CACHE.glob(f"{name}-*.json"):  # from sources that have changed
            old.unlink(missing_ok=True)
        kept.with_suffix(".part").write_text(json.dumps(value), encoding="utf-8")
        os.replace(kept.with_suffix(".part"), kept)
        return value
