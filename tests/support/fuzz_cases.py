"""The schema fuzz's cases, drawn once for the sources as they are.

Drawing is most of the fuzz's work: schemathesis builds Hypothesis strategies out of the
OpenAPI document and draws a few cases per operation, about a thousand per role. The cases
are derandomized, so the same document and the same code draw the same cases in every run;
the first run draws them and keeps them in var/test-cache/ (tests/support/once.py), and a
run of the same sources (.ci/run's PostgreSQL run after its SQLite run, a developer's next
run) sends the very same requests without drawing them again. An operation's cases in one mode
are the same whichever role draws them (the roles of a mode share most operations: the
ones open to all, four cases each, and the others', one each), so the first role to need
them draws them for every worker (var/test-cache/fuzz-operations-*/, one file an
operation). Any change to the document,
to a product module (Hypothesis mixes the code's own constants into what it draws), to the
fuzz's own code or to either library draws them anew, as does a kept file that no longer
reads. (Hypothesis takes those constants from every module loaded when it draws, which
depends on what the worker ran before: two fresh draws of the same sources can differ, as
they always could; a kept draw is one of them.)"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core import NOT_SET
from schemathesis.generation.case import Case

from config.settings import ROOT
from tests.support.once import PRODUCT, folder_from_sources, from_sources, product_sources


def _drawn(strategy: Any, examples: int) -> list[Case]:
    """`examples` cases of one operation, as Hypothesis draws them for a test."""
    cases: list[Case] = []

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def draw(case: Case) -> None:
        cases.append(case)

    try:
        draw()
    except Unsatisfiable:  # negative data for an operation with nothing to negate
        return []
    return cases


def _case(state: dict[str, Any]) -> Case:
    case = Case.__new__(Case)  # past Case.__setattr__, which expects a case already made
    for name, value in state.items():
        object.__setattr__(case, name, value)
    return case


class _Pickler(pickle.Pickler):
    """A case without its operation (the document's, rebuilt by the run that reads it)."""

    def __init__(self, out: io.BytesIO, operation: Any) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self.operation = operation

    def persistent_id(self, obj: Any) -> str | None:
        if obj is self.operation:
            return "operation"
        if obj is self.operation.schema:
            return "schema"
        return "not-set" if obj is NOT_SET else None

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Case:
            return _case, ({name: getattr(obj, name) for name in Case.__slots__},)
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, operation: Any) -> None:
        super().__init__(io.BytesIO(data))
        self.operation = operation

    def persistent_load(self, pid: Any) -> Any:
        return {"operation": self.operation, "schema": self.operation.schema,
                "not-set": NOT_SET}[pid]


def _sealed(cases: list[Case], operation: Any) -> bytes:
    out = io.BytesIO()
    _Pickler(out, operation).dump(cases)
    return out.getvalue()


def constants_read() -> None:
    """Hypothesis parses the source of every product module loaded since its last draw, for
    their constants, at its next draw: done here, on the caller's thread, and not in the
    thread that draws. Python 3.11.7's parser is not safe in two threads at once: a test
    failing (its report parses source) while another thread parsed ended a whole run with
    "SystemError: AST constructor recursion depth mismatch"."""
    with contextlib.suppress(ImportError):
        from hypothesis.internal.conjecture.providers import _get_local_constants

        _get_local_constants()


def _drawn_once(folder: Path, operation: Any, mode: schemathesis.GenerationMode,
                examples: int) -> bytes:
    """`examples` cases of `operation` in `mode`, sealed: drawn once for every role."""
    name = hashlib.sha256(f"{operation.label}\0{mode.value}\0{examples}".encode()).hexdigest()
    kept = folder / f"{name[:24]}.kept"
    with open(kept.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker drawing the same waits
        if kept.exists():
            return kept.read_bytes()
        sealed = _sealed(_drawn(operation.as_strategy(mode), examples), operation)
        kept.with_suffix(".part").write_bytes(sealed)
        os.replace(kept.with_suffix(".part"), kept)
        return sealed


def fuzz_cases(name: str, doc: dict[str, Any], operations: list[Any],
               mode: schemathesis.GenerationMode, examples: Callable[[Any], int]
               ) -> dict[str, list[Case]]:
    """The cases of each operation (by its label), `examples(operation)` of them in `mode`,
    drawn once while the document, the product's code and the libraries are as they are."""
    by_label = {operation.label: operation for operation in operations}
    plan = {label: examples(operation) for label, operation in by_label.items()}

    # the document less its servers (the address of this run's service)
    document = {k: v for k, v in doc.items() if k != "servers"}
    what = json.dumps([document, plan, mode.value, hypothesis.__version__,
                       schemathesis.__version__], sort_keys=True)
    # the code that draws and keeps them is among what names them
    drawing = [Path(__file__), ROOT / "tests" / "api" / "test_fuzz.py"]

    def draw() -> dict[str, bytes]:
        # an operation's cases in a mode are the same whichever role draws them
        # (derandomized): drawn by the first role that needs them, in any worker
        common = json.dumps([document, hypothesis.__version__, schemathesis.__version__],
                            sort_keys=True)
        folder = folder_from_sources("fuzz-operations", [*sources, *drawing],
                                     also=hashlib.sha256(common.encode()).hexdigest())
        return {label: _drawn_once(folder, operation, mode, plan[label])
                for label, operation in by_label.items()}

    sources = product_sources((*PRODUCT, "models"))
    kept: dict[str, bytes] = from_sources(
        f"fuzz-{name}", [*sources, *drawing], draw,
        dump=pickle.dumps,
        load=pickle.loads, also=hashlib.sha256(what.encode()).hexdigest())
    return {label: _Unpickler(kept[label], operation).load()
            for label, operation in by_label.items()}
