"""The layout gate of `make test` (tools/layout.py) on small trees made for the purpose: it
passes a clean tree and fails on each rule it keeps. That the repository itself passes is
what `make test` and `make check` run it for, before the suite."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _layout() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layout_gate", ROOT / "tools" / "layout.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("layout_gate", module)
    spec.loader.exec_module(module)
    return module


layout = _layout()


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for package in layout.PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


CLEAN = {
    # a context: its front door lists its services, types, errors and constants; inside,
    # modules import modules
    "services/draws/__init__.py": "from services.draws.answers import Answers, Said\n"
                                  "__all__ = ['Answers', 'Said']\n",
    "services/draws/answers.py": "from models import x\nfrom services.standing import Credit\n"
                                 "from services.draws.rules import r\n",
    "services/draws/rules.py": "from services.common.clock import now\n",
    # a part of a context with a door of its own
    "services/draws/venue/__init__.py": "from services.draws.venue.urges import MAX_URGES\n"
                                        "__all__ = ['MAX_URGES']\n",
    "services/draws/venue/urges.py": "MAX_URGES = 3\n",
    "services/standing/__init__.py": "from services.standing.credit import Credit\n"
                                     "__all__ = ['Credit']\n",
    "services/standing/credit.py": "from services.common.clock import now\n",
    "services/common/__init__.py": "",
    "services/common/clock.py": "",
    "handlers/draw_reply.py": "from services.draws import Answers\nfrom bot import router\n"
                              "from services.draws.venue import MAX_URGES\n",
    "web/answer.py": "from services.draws import Said\n",
    "console/pages.py": "from miniapp_api import endpoints\n",
    "miniapp_api/endpoints.py": "from services.draws import Answers\n",
    "bot/conversation/router.py": "",
    "models/x.py": "",
}


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    problems, warnings, _ = layout.check(_tree(tmp_path, CLEAN))
    assert problems == [] and warnings == []


@pytest.mark.parametrize(("extra", "found"), [
    # an edge importing another edge: the web page reaching into a chat flow
    ({"web/answer.py": "from handlers.draw_reply import said\n"},
     "web.answer imports handlers.draw_reply (an edge imports no other edge"),
    ({"sandbox/links.py": "from console.pages import x\n"},
     "sandbox.links imports console.pages (an edge imports no other edge"),
    # ... also inside a function
    ({"miniapp_api/endpoints.py": "def f():\n    from web.answer import said\n"},
     "miniapp_api.endpoints imports web.answer"),
    # the domain importing an edge, the transport, a wire library
    ({"services/draws/answers.py": "from bot.conversation.router import x\n"},
     "services.draws.answers imports bot.conversation.router (the domain and the models "
     "import no edge)"),
    ({"services/draws/answers.py": "from aiohttp import web\n"},
     "services.draws.answers imports aiohttp"),
    ({"models/x.py": "import wechatpy\n"}, "models.x imports wechatpy"),
    # config is the composition root
    ({"handlers/draw_reply.py": "from config.settings import Settings\n",
      "config/settings.py": ""},
     "handlers.draw_reply imports config.settings (only config/ may import config)"),
    # a cycle
    ({"services/a.py": "from services.b import x\n", "services/b.py": "from services.a import y\n"},
     "import cycle: services.a <-> services.b"),
    # contexts in a cycle at the package level, though no two modules import each other
    ({"services/standing/credit.py": "from services.draws import Answers\n"},
     "package cycle: services.draws <-> services.standing: services.draws -> "
     "services.standing (services.draws.answers imports services.standing"),
    # an import past a context's front door, from an edge or from another context
    ({"web/answer.py": "from services.draws.answers import said\n"},
     "web.answer imports services.draws.answers past the front door of services.draws"),
    ({"services/standing/credit.py": "import services.draws.rules\n"},
     "services.standing.credit imports services.draws.rules past the front door"),
    # ... or asking the front door for what it does not list
    ({"handlers/draw_reply.py": "from services.draws import Rules\n"},
     "handlers.draw_reply asks services.draws for Rules, which its door does not list"),
    ({"handlers/draw_reply.py": "from services.draws.venue import Urging\n"},
     "handlers.draw_reply asks services.draws.venue for Urging, which its door does not list"),
    # doors hold services, types, errors and constants: no module, no verb, no rename, no
    # more than 40 names
    ({"services/standing/__init__.py": "from services.standing import credit\n"
                                       "__all__ = ['credit']\n"},
     "services.standing lists credit, neither a type nor a constant"),
    ({"services/standing/__init__.py": "from services.standing.credit import Credit as C\n"
                                       "__all__ = ['C']\n"},
     "services.standing renames Credit as C"),
    ({"services/standing/__init__.py": "__all__ = [" + ", ".join(f"'T{i}'" for i in range(41))
                                       + "]\n"},
     "services.standing lists 41 names (at most 40"),
    # an edge reaches an operation through the domain, never by importing a verb
    ({"services/draws/__init__.py": "from services.draws.answers import Answers, said\n"
                                    "__all__ = ['Answers', 'said']\n",
      "web/answer.py": "from services.draws import said\n"},
     "web.answer imports said from services.draws: an edge imports only types"),
    # a model queried in an edge instead of asking a service
    ({"web/answer.py": "from models.draws import Invitation\n"
                       "async def f():\n    return await Invitation.get_or_none(id=1)\n"},
     "web.answer queries Invitation.get_or_none (line 3: an edge asks a service"),
    # a context's parts in layers: a part imports only the parts below it, and every part
    # has its place in the order
    ({"services/draws/facts/__init__.py": "", "services/draws/facts/seal.py": "",
      "services/draws/running/__init__.py": "",
      "services/draws/facts/oplog.py": "from services.draws.running.waves import advance\n",
      "services/draws/running/waves.py": "from services.draws.facts.seal import x\n"},
     "services.draws.facts.oplog imports services.draws.running.waves: the part facts "
     "imports only the parts below it (none)"),
    ({"services/draws/misc/__init__.py": ""},
     "services.draws.misc is a part services.draws does not order"),
    # size
    ({"services/big.py": "x = 1\n" * 401}, "services.big has 401 lines (at most 400)"),
    ({f"models/m{i}.py": "" for i in range(24)}, "models/ holds 26 modules (at most 25"),
    # a test module importing another (its helpers belong in tests/support/)
    ({"tests/draws/test_b.py": "from tests.draws.test_a import world\n"},
     "tests/draws/test_b.py imports tests.draws.test_a (a test module imports no other"),
    ({"tests/console/test_c.py": "import tests.draws.test_a\n"},
     "tests/console/test_c.py imports tests.draws.test_a"),
    ({"tests/support/x.py": "from tests.conftest import make_settings\n"},
     "tests/support/x.py imports tests.conftest"),
])
def test_each_rule_fails_the_gate(tmp_path: Path, extra: dict[str, str], found: str) -> None:
    problems, _, _ = layout.check(_tree(tmp_path, {**CLEAN, **extra}))
    assert any(found in p for p in problems), problems


def test_tests_may_share_through_the_support_package(tmp_path: Path) -> None:
    problems, _, _ = layout.check(_tree(tmp_path, {
        **CLEAN, "tests/support/world.py": "x = 1\n",
        "tests/draws/test_a.py": "from tests.support.world import x\nimport tests.support\n"}))
    assert problems == []


def test_a_long_module_is_warned_about_before_it_fails(tmp_path: Path) -> None:
    problems, warnings, _ = layout.check(_tree(tmp_path, {**CLEAN,
                                                          "services/long.py": "x = 1\n" * 351}))
    assert problems == []
    assert warnings == ["services.long has 351 lines (split it before 400)"]


ALIAS_CLASS = ("from services.standing.rules import recompute\n"
               "class CreditDesk:\n    recompute = staticmethod(recompute)\n")


def test_an_alias_of_a_function_fails_the_gate(tmp_path: Path) -> None:
    """An operation has one name: a class of services/ aliasing a function is refused, with
    where it is and what to do, in every context, the draws' included."""
    for context in ("standing", "draws"):
        where = tmp_path / context
        where.mkdir()
        problems, _, _ = layout.check(_tree(where, {
            **CLEAN, f"services/{context}/desk.py": ALIAS_CLASS.replace(
                "standing.rules", f"{context}.rules")}))
        assert problems == [
            f"services/{context}/desk.py:3: CreditDesk.recompute = staticmethod(...) aliases "
            "a function (an operation has one name: move the work into the class that owns "
            "it, as its method)"]
