"""`python -m tests.support.rewritten`: every test module's asserts rewritten once, as pytest
rewrites them, into the cache pytest reads (`__pycache__/<name>.cpython-311-pytest-<v>.pyc`),
before the run's workers start (the Makefile runs it beside mypy).

Each xdist worker imports every test module to collect it; on a fresh clone none has its
rewritten copy yet, and the workers start together, so each rewrote nearly every module for
itself: about 7 CPU-s a worker, four times over. pytest's own functions do the work (the same
code from the same source, a hash-checked pyc written atomically), so a worker that finds
the copy uses it exactly as if an earlier run of its own had written it, and one that finds
a copy of a changed source rewrites it as always."""

from __future__ import annotations

import os
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def rewrite(fn: Path) -> bool:
    """`fn`'s rewritten copy written where pytest looks for it, unless a current one is there
    (True when it was written)."""
    from _pytest.assertion.rewrite import (
        PYC_TAIL,
        _read_pyc,
        _rewrite_test,
        _write_pyc_fp,
        get_cache_dir,
    )

    cache = get_cache_dir(fn)
    pyc = cache / (fn.name[:-3] + PYC_TAIL)
    if _read_pyc(fn, pyc) is not None:
        return False
    cache.mkdir(parents=True, exist_ok=True)
    source_hash, code = _rewrite_test(fn, None)  # type: ignore[arg-type]  # no pass hook
    partial = f"{pyc}.{os.getpid()}"
    with open(partial, "wb") as fp:
        _write_pyc_fp(fp, source_hash, code)
    os.replace(partial, pyc)
    return True


def main() -> None:
    if sys.dont_write_bytecode:  # PYTHONDONTWRITEBYTECODE: pytest would not read them either
        return
    modules = [fn for fn in sorted(TESTS.rglob("*.py"))
               if fn.name == "conftest.py" or fn.name.startswith("test_")]
    try:
        written = sum(rewrite(fn) for fn in modules)
    except (ImportError, AttributeError, TypeError) as exc:  # pytest's own functions changed
        print(f"asserts not rewritten ahead ({exc!r}): each worker rewrites them for itself")
        return
    print(f"asserts rewritten: {written} of {len(modules)} test modules")


if __name__ == "__main__":
    main()
