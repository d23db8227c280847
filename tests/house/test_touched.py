"""The warning `make check` gives for what a change touches near the layout's limits
(tools/touched.py): a module past 350 lines, a folder past 20 modules, each named once; what
the change does not touch, and files outside the service's packages, are not."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _touched() -> ModuleType:
    spec = importlib.util.spec_from_file_location("touched_tool", ROOT / "tools" / "touched.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("touched_tool", module)
    spec.loader.exec_module(module)
    return module


touched = _touched()


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_touched_module_past_350_lines_and_a_crowded_folder_are_named(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"services/long.py": "x = 1\n" * 351,
                            "services/short.py": "x = 1\n" * 350,
                            **{f"handlers/flow{i}.py": "" for i in range(21)},
                            "docs/long.md": "x\n" * 400})
    found = touched.warnings([root / "services/long.py", root / "services/short.py",
                              root / "handlers/flow0.py", root / "handlers/flow1.py",
                              root / "docs/long.md", root / "services/gone.py"], root)
    assert found == [
        "handlers/ holds 21 modules, past 20: split it into sub-packages named after what "
        "they hold (the layout gate refuses more than 25)",
        "services/long.py has 351 lines, past 350: split it by concept (the layout gate "
        "refuses more than 400)"]


def test_what_the_change_does_not_touch_is_not_named(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"services/long.py": "x = 1\n" * 399, "services/small.py": ""})
    assert touched.warnings([root / "services/small.py"], root) == []
