"""The docs stay reference: every repository path the README, the tests README and docs/
name exists (a file named alone exists somewhere in the tree), and the code cites its
sources by their keys in docs/sources.md, never by a seed's number."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOPS = ("services", "miniapp_api", "console", "web", "bot", "handlers", "models", "config",
        "tests", "texts", "tools", "bench", "sandbox", "docs", "deploy", ".ci")
TOP = "|".join(re.escape(t) for t in TOPS)
PATH = re.compile(rf"(?<![\w./-])((?:{TOP})/[\w./-]*[\w/])")
BARE = re.compile(r"(?<![\w/.-])([\w-]+\.(?:py|j2|html|md|toml|css))\b")
CODE = ("*.py", "*.j2", "*.html", "*.js")
SEED = re.compile(r"\bseeds? ?00\d", re.IGNORECASE)


def _docs() -> list[Path]:
    return [ROOT / "README.md", ROOT / "tests" / "README.md", *(ROOT / "docs").rglob("*.md")]


def _tree() -> list[Path]:
    skip = {".venv", ".git", "var", "__pycache__", "node_modules"}
    return [p for p in ROOT.rglob("*") if not skip & set(p.relative_to(ROOT).parts)]


def test_every_path_the_docs_name_exists() -> None:
    names = {p.name for p in _tree()}
    missing = []
    for doc in _docs():
        for n, line in enumerate(doc.read_text().splitlines(), 1):
            for found in PATH.finditer(line):
                if line[found.end():found.end() + 1] in ("<", "{", "*", "…"):
                    continue  # a pattern (texts/errors/<area>/<name>.j2), not a path
                path = found.group(1).rstrip(".")
                if not (ROOT / path).exists() and not (ROOT / f"{path}.py").exists():
                    missing.append(f"{doc.relative_to(ROOT)}:{n}: {path}")
            missing += [f"{doc.relative_to(ROOT)}:{n}: {m.group(1)}"
                        for m in BARE.finditer(line) if m.group(1) not in names]
    assert not missing, "paths the docs name that are not in the tree:\n" + "\n".join(missing)


def test_the_code_cites_sources_by_their_keys() -> None:
    cited = []
    for pattern in CODE:
        for path in ROOT.rglob(pattern):
            if {".venv", "var", "node_modules"} & set(path.relative_to(ROOT).parts):
                continue
            for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if SEED.search(line):
                    cited.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:80]}")
    assert not cited, ("cite the document by its key in docs/sources.md (GD-DRAW, HN-APPLY, "
                       "…), not by a seed's number:\n" + "\n".join(cited))
