"""The limits a change comes near (`make check` runs it after the layout gate): each module
of the service's packages that the change touches (the diff against HEAD, and the files git
does not track yet) and that passes WARN_LINES lines, and each folder it touches that holds
more than WARN_MODULES modules, is named with a warning. Split it by concept now, while the
change is in hand, rather than when tools/layout.py refuses it (400 lines, 25 modules).
Prints the warnings and exits 0."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from layout import MAX_LINES, MAX_MODULES, ROOT, WARN_LINES, modules

WARN_MODULES = 20  # a folder holding more is split into sub-packages named after what they hold


def touched(root: Path = ROOT) -> list[Path]:
    """The files the change touches: changed against HEAD (staged or not), or untracked."""
    def git(*args: str) -> list[str]:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                             check=True).stdout
        return [line for line in out.splitlines() if line]

    names = git("diff", "--name-only", "HEAD") + git("ls-files", "--others", "--exclude-standard")
    return [root / name for name in dict.fromkeys(names)]


def warnings(paths: list[Path], root: Path = ROOT) -> list[str]:
    """What is near a limit among `paths`: a module past WARN_LINES lines, a folder past
    WARN_MODULES modules (each folder once)."""
    known = {path.resolve(): path for path in modules(root).values()}
    folders = Counter(path.parent for path in known.values())
    found, seen = [], set()
    for path in sorted(p.resolve() for p in paths):
        if path not in known:  # not a module of the packages, or deleted by the change
            continue
        where = path.relative_to(root.resolve())
        lines = len(path.read_text().splitlines())
        if lines > WARN_LINES:
            found.append(f"{where} has {lines} lines, past {WARN_LINES}: split it by concept "
                         f"(the layout gate refuses more than {MAX_LINES})")
        folder = path.parent
        if folders[folder] > WARN_MODULES and folder not in seen:
            seen.add(folder)
            found.append(f"{folder.relative_to(root.resolve())}/ holds {folders[folder]} "
                         f"modules, past {WARN_MODULES}: split it into sub-packages named "
                         f"after what they hold (the layout gate refuses more than "
                         f"{MAX_MODULES})")
    return found


def main() -> int:
    for warning in warnings(touched()):
        print(f"touched: warning: {warning}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
