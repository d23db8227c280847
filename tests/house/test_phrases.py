"""What a person reads is said in texts/: no Chinese sentence (words ending in 。, ！ or ？)
is written in the service's code, but for the API document's own descriptions, the demo's
made-up data (services/demo*.py) and the sandbox's fakes, which speak for WeChat."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("config", "bot", "handlers", "miniapp_api", "services", "models", "web", "console")
SENTENCE = re.compile(r"[\u4e00-\u9fff][^\n]*[。！？]")
NOT_SAID = {ROOT / "services" / name for name in ("demo.py", "demo_codes.py", "demo_draws.py")}


def _documentation(tree: ast.AST) -> set[int]:
    """The docstrings and the API document's descriptions and summaries (by node id)."""
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            out.add(id(body[0].value))
        if isinstance(node, ast.keyword) and node.arg in ("description", "summary"):
            out.update(id(n) for n in ast.walk(node.value))
    return out


def test_no_sentence_a_person_reads_is_written_in_code() -> None:
    found = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path in NOT_SAID:
                continue
            tree = ast.parse(path.read_text())
            documentation = _documentation(tree)
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:40]}"
                      for node in ast.walk(tree)
                      if isinstance(node, ast.Constant) and isinstance(node.value, str)
                      and id(node) not in documentation and SENTENCE.search(node.value)]
    assert not found, "say these in texts/ (a template, or a words table):\n" + "\n".join(found)
