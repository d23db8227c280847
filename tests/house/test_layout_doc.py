"""docs/architecture.md's table of contexts and parts is the one tools/layoutdoc.py writes
from the layout gate's import graph (a context or a part added, moved or split fails here
until the page is written again), and the generator orders what it finds by the imports
alone: on small trees made for the purpose, parts in layers, parts in a cycle, a context
without a docstring, the mirrors in routes, pages and tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layoutdoc", ROOT / "tools" / "layoutdoc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("layoutdoc", module)
    spec.loader.exec_module(module)
    return module


layoutdoc = _tool()


def test_the_page_is_written_from_the_import_graph() -> None:
    page = layoutdoc.PAGE.read_text()
    assert layoutdoc.documented(page) == page, (
        "docs/architecture.md's table drifted from the code: run "
        "`.venv/bin/python tools/layoutdoc.py`")


def test_every_context_is_in_the_table() -> None:
    table = layoutdoc.generated()
    contexts = [p.parent.name for p in (ROOT / "services").glob("*/__init__.py")
                if p.parent.name != "common"]
    assert contexts
    assert not [c for c in contexts if f"**`{c}`**" not in table]


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for package in ("config", "bot", "handlers", "miniapp_api", "services", "models", "web",
                    "sandbox", "console", "tests"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


STACK = {
    "services/common/__init__.py": "",
    "services/reference/__init__.py": '"""Reference data. More words."""\n',
    "services/draws/__init__.py": '"""Draws: the parts below."""\n'
                                  "from services.draws.service import Draws\n",
    "services/draws/service.py": "from services.draws.answering import Answering\n",
    "services/draws/facts/__init__.py": '"""What a draw is made of."""\n',
    "services/draws/facts/rows.py": "from services.reference import Regions\n",
    "services/draws/news/__init__.py": '"""What a draw announces."""\n',
    "services/draws/news/notices.py": "from services.draws.facts import Rows\n",
    "services/draws/answering/__init__.py": '"""Answers."""\n',
    "services/draws/answering/decide.py": "from services.draws.news import Notices\n"
                                          "from services.draws.facts.rows import x\n",
    "miniapp_api/routes/draws/__init__.py": "",
    "miniapp_api/routes/draws/answering.py": "",
    "console/pages/draws/__init__.py": "",
    "tests/draws/__init__.py": "",
    "tests/draws/answering/__init__.py": "",
    "tests/draws/test_news_sent.py": "",
}


def test_contexts_and_parts_stand_in_the_layers_their_imports_give(tmp_path: Path) -> None:
    table = layoutdoc.generated(_tree(tmp_path, STACK)).splitlines()
    rows = [line for line in table if line.startswith("| ") and "---" not in line][1:]
    assert rows == [
        "| 0 | **`reference`** | Reference data. | — | — | — | — |",
        "| 1 | **`draws`** | Draws: the parts below. | reference | "
        "`miniapp_api/routes/draws/` | `console/pages/draws/` | `tests/draws/` |",
        "| 0 | ↳ `draws.facts` | What a draw is made of. | — | — | — | — |",
        "| 1 | ↳ `draws.news` | What a draw announces. | facts | — | — | "
        "`tests/draws/test_news_sent.py` |",
        "| 2 | ↳ `draws.answering` | Answers. | facts, news | "
        "`miniapp_api/routes/draws/answering.py` | — | `tests/draws/answering/` |",
    ]


def test_parts_that_import_each_other_share_a_layer_and_say_so(tmp_path: Path) -> None:
    files = {**STACK, "services/draws/facts/rows.py": "from services.draws.answering import A\n"}
    table = layoutdoc.generated(_tree(tmp_path, files))
    assert "| 0 | ↳ `draws.facts` | What a draw is made of. | answering (in a cycle with " \
           "answering, news) |" in table
    assert "| 0 | ↳ `draws.answering` | Answers. | facts, news (in a cycle with facts, " \
           "news) |" in table
