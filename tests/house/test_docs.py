"""The docs stay reference: every repository path the README, CONTRIBUTING.md, the
changelog, the tests README and docs/ name exists (a file named alone exists somewhere in the
tree; a decision record, which is history, may also name a file the repository once had),
and the code cites its sources by their keys in docs/sources.md, never by a seed's number."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOPS = ("services", "miniapp_api", "console", "web", "bot", "handlers", "models", "config",
        "tests", "texts", "tools", "bench", "sandbox", "docs", "deploy", ".ci")
TOP = "|".join(re.escape(t) for t in TOPS)
PATH = re.compile(rf"(?<![\w./-])((?:{TOP})/[\w./-]*[\w/])")
BARE = re.compile(r"(?<![\w/.-])([\w-]+\.(?:py|j2|html|md|toml|css))\b")
CODE = ("*.py", "*.j2", "*.html", "*.js")
SEED = re.compile(r"\bseeds? ?00\d", re.IGNORECASE)


DECISIONS = ROOT / "docs" / "decisions"


def _docs() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md",
            ROOT / "tests" / "README.md", *(ROOT / "docs").rglob("*.md")]


@cache
def _history() -> frozenset[str]:
    """Every path a commit of this repository added (none without git)."""
    try:
        out = subprocess.run(["git", "log", "--format=", "--name-only", "--diff-filter=A"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return frozenset()
    paths = {line.strip() for line in out.splitlines() if line.strip()}
    folders = {str(parent) for path in paths for parent in Path(path).parents}
    return frozenset(paths | folders | {path.rpartition("/")[2] for path in paths})


def _tree() -> list[Path]:
    skip = {".venv", ".git", "var", "__pycache__", "node_modules"}
    return [p for p in ROOT.rglob("*") if not skip & set(p.relative_to(ROOT).parts)]


def test_every_path_the_docs_name_exists() -> None:
    names = {p.name for p in _tree()}
    missing = []
    for doc in _docs():
        was = _history() if DECISIONS in doc.parents else frozenset()
        for n, line in enumerate(doc.read_text().splitlines(), 1):
            for found in PATH.finditer(line):
                if line[found.end():found.end() + 1] in ("<", "{", "*", "…"):
                    continue  # a pattern (texts/errors/<area>/<name>.j2), not a path
                path = found.group(1).rstrip(".")
                if not (ROOT / path).exists() and not (ROOT / f"{path}.py").exists() \
                        and path.rstrip("/") not in was:
                    missing.append(f"{doc.relative_to(ROOT)}:{n}: {path}")
            missing += [f"{doc.relative_to(ROOT)}:{n}: {m.group(1)}"
                        for m in BARE.finditer(line)
                        if m.group(1) not in names and m.group(1) not in was]
    assert not missing, "paths the docs name that are not in the tree:\n" + "\n".join(missing)


LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_every_link_between_the_docs_leads_somewhere() -> None:
    """A relative link (`[operations](operations.md#logs)`, `![…](console-home.png)`) names a
    file or folder that exists, from the page that makes it."""
    broken = []
    for doc in _docs():
        was = _history() if DECISIONS in doc.parents else frozenset()
        for n, line in enumerate(doc.read_text().splitlines(), 1):
            for found in LINK.finditer(line):
                target = found.group(1).split("#")[0]
                if not target or re.match(r"[a-z]+:", target):
                    continue  # an anchor on the page, or an address elsewhere
                path = (doc.parent / target).resolve()
                if not path.exists() and str(path.relative_to(ROOT)) not in was:
                    broken.append(f"{doc.relative_to(ROOT)}:{n}: {found.group(1)}")
    assert not broken, "links that lead nowhere:\n" + "\n".join(broken)


def test_the_changelog_names_the_newest_migration() -> None:
    """An operator upgrading reads which migration `expertbot migrate` brings the database
    to: a migration added without its line in CHANGELOG.md fails here."""
    newest = max(p.name.split("_")[0] for p in (ROOT / "models" / "migrations").glob("0*.py"))
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"\b{newest}\b", changelog), (
        f"migration {newest} is not in CHANGELOG.md: say under Unreleased what it changes")


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
