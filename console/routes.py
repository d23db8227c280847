"""The console sub-app, mounted at /console: its pages (console/pages/) behind the guard,
its templates and its static script."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from console import pages
from console.app import guarded
from console.context import CONSOLE, PAGES
from services.common.clock import CHINA, china_time
from services.common.template_code import COMPILED
from services.common.texts import no_none
from services.people import TITLE_LEVELS
from services.reference import Reference

HERE = Path(__file__).parent


def create_console() -> web.Application:
    app = web.Application()

    def reference() -> Reference:  # the domain's, once the runtime has started
        return app[CONSOLE].domain.reference

    app[PAGES] = Environment(loader=FileSystemLoader(HERE / "templates"), finalize=no_none,
                             autoescape=select_autoescape(["html"]), bytecode_cache=COMPILED)
    app[PAGES].filters["china_time"] = china_time
    # a China day (a date, already China's) as a person reads it: 2026年11月27日
    app[PAGES].filters["china_day"] = lambda day: f"{day:%Y年%m月%d日}"
    # a moment as a datetime-local input shows it: China time, to the minute
    app[PAGES].filters["local_input"] = lambda t: f"{t.astimezone(CHINA):%Y-%m-%dT%H:%M}"
    # a region code as a person reads it: 广东省韶关市
    app[PAGES].filters["region"] = \
        lambda code: reference().regions().full_name(code) if code else ""
    # yuan as 万元, the unit GD-DRAW's forms use for investments: 1500000 -> 150
    app[PAGES].filters["wan"] = lambda yuan: f"{yuan / 10000:.6f}".rstrip("0").rstrip(".")
    # a specialty code as a person reads it: 工程 / 设计 / 建筑工程设计
    app[PAGES].filters["specialty"] = lambda code: reference().catalogue().path_name(code) or code
    # the lists a condition picks from: title levels, the catalogue's industry departments
    app[PAGES].globals["title_levels"] = TITLE_LEVELS
    app[PAGES].globals["industries"] = lambda: sorted(
        {s.industry for s in reference().catalogue().items.values() if s.industry})
    app[PAGES].globals["provinces"] = lambda: [
        (c, reference().regions().name(c)) for c in reference().regions().children.get(None, [])]
    for spec in pages.every_page():
        if spec.method == "GET":
            app.router.add_get(spec.path, guarded(spec))  # HEAD too
        else:
            app.router.add_route(spec.method, spec.path, guarded(spec))
    app.router.add_static("/static", HERE / "static")
    return app
