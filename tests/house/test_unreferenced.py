"""The check of unreferenced functions (tools/unreferenced.py, run by `make test` and `make
check`) on a small tree: a function nothing names is reported with its place; one called,
one a decorator registers, one named in a string (a reaction's `where`) or in a template,
and a library's hook on a class built on a library's class are not. That the repository
itself passes is what `make test` and `make check` run it for."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("unreferenced_check",
                                              ROOT / "tools" / "unreferenced.py")
assert spec is not None and spec.loader is not None
unreferenced = importlib.util.module_from_spec(spec)
sys.modules.setdefault("unreferenced_check", unreferenced)
spec.loader.exec_module(unreferenced)

SERVICE = '''
import logging

def used(): ...
def forgotten(): ...
def named_in_a_string(): ...
def named_in_a_template(): ...

@router.message("x")
async def registered(): ...

class Quiet(logging.Handler):
    def emit(self, record): ...

class Desk:
    def kept(self): ...
    def dropped(self): ...

    @staticmethod
    def static_and_dropped(): ...

WHERE = "services.x:named_in_a_string"
used()
Desk().kept()
'''


def test_only_the_functions_nothing_names_are_reported(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "x.py").write_text(SERVICE)
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "t.j2").write_text("{{ s.named_in_a_template() }}")
    dead, checked = unreferenced.check(tmp_path)
    assert dead == ["services/x.py:5: forgotten", "services/x.py:17: dropped",
                    "services/x.py:20: static_and_dropped"]
    assert checked == 7  # not the registered handler, not the library's hook

