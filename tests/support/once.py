"""What tests work out of the sources and would otherwise work out again in every worker and
every run (the error codes the product code names, the schema fuzz's cases): worked out by
the first of the run's workers that needs it, the others wait and read it, and kept in
var/test-cache/ while none of the files it came from has changed (their paths, sizes and
modification times name it)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from config.settings import ROOT

CACHE = ROOT / "var" / "test-cache"
# the product's code that names error codes and handles requests (the models only declare)
PRODUCT = ("services", "bot", "handlers", "miniapp_api", "web", "config", "sandbox", "console")


def product_sources(packages: Iterable[str] = PRODUCT) -> list[Path]:
    """The modules of the product's packages (not the tests)."""
    return [path for package in packages for path in Path(ROOT, package).rglob("*.py")]


def _key(name: str, inputs: Iterable[Path], also: str) -> str:
    digest = hashlib.sha256(f"{name}\0{also}\0".encode())
    for path in sorted(inputs):
        stat = path.stat()
        digest.update(f"{path.relative_to(ROOT)}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                      .encode())
    return digest.hexdigest()[:16]


def _as_json(value: Any) -> bytes:
    return json.dumps(value).encode()


def from_sources(name: str, inputs: Iterable[Path], compute: Callable[[], Any], *,
                 dump: Callable[[Any], bytes] = _as_json,
                 load: Callable[[bytes], Any] = json.loads, also: str = "") -> Any:
    """`compute()` for these `inputs` (and whatever else `also` names), worked out once
    while they are as they are; kept as JSON, or as `dump` writes it and `load` reads it."""
    CACHE.mkdir(parents=True, exist_ok=True)
    kept = CACHE / f"{name}-{_key(name, inputs, also)}.kept"
    with open(CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker computes, the others wait
        if kept.exists():
            try:
                return load(kept.read_bytes())
            except Exception:  # unreadable (written by other code): made again
                pass
        value = compute()
        for old in CACHE.glob(f"{name}-*.kept"):  # from sources that have changed
            old.unlink(missing_ok=True)
        kept.with_suffix(".part").write_bytes(dump(value))
        os.replace(kept.with_suffix(".part"), kept)
        return value


def folder_from_sources(name: str, inputs: Iterable[Path], also: str = "") -> Path:
    """A folder of var/test-cache/ for what these `inputs` (and `also`) make, piece by piece
    (the caller keeps each piece there under a lock of its own); the folders of sources
    that have changed are removed."""
    folder = CACHE / f"{name}-{_key(name, inputs, also)}"
    if not folder.is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        for old in CACHE.glob(f"{name}-*"):
            if old.is_dir() and old != folder:
                shutil.rmtree(old, ignore_errors=True)
        folder.mkdir(exist_ok=True)
    return folder
