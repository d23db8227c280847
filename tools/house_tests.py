"""The tests' house, a rule of the layout gate (tools/layout.py): a test module imports no
other test module and no conftest; what tests share lives in tests/support/ or in a
fixture."""

from __future__ import annotations

import ast
from pathlib import Path

from trees import import_statements

ROOT = Path(__file__).resolve().parent.parent


def test_imports(root: Path = ROOT) -> list[str]:
    """Modules under tests/ that import a test module (`test_*`) or a conftest."""
    found = []
    for path in sorted((root / "tests").rglob("*.py")):
        for node in import_statements(path):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            else:
                continue
            for target in targets:
                last = target.split(".")[-1]
                if target.startswith("tests.") and (last.startswith("test_")
                                                    or last == "conftest"):
                    found.append(f"{path.relative_to(root)} imports {target} (a test module "
                                 f"imports no other: share it through tests/support/ or a "
                                 f"conftest fixture)")
                    break
    return found
