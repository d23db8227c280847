"""Every refusal the code raises has its words in texts/errors/, every file there is a
refusal the code raises, the words use only parameters every raise site gives, and each
renders (times given as datetimes, lists as lists) with nothing unmasked in it."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from jinja2 import meta

from config.settings import ROOT
from services.common.clock import CHINA
from services.common.pii import find_unmasked
from services.common.texts import Texts
from tests.support.once import from_sources, product_sources

CODE = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")
TEXTS = Texts(ROOT / "texts")
AREAS = {p.name for p in (ROOT / "texts" / "errors").iterdir() if p.is_dir()}
TEMPLATES = {n.removeprefix("errors/").removesuffix(".j2").replace("/", ".")
             for n in TEXTS.names("errors/")}
TIMES = {"opens", "closes", "until", "start", "end", "eval_start", "eval_end", "gather_at",
         "unseal", "paid_at", "at", "suggested", "earliest", "next"}
LISTS = {"allowed", "levels", "missing"}


def _scan() -> dict[str, Any]:
    """Every code named in product code (not a notification's kind nor a page's file), and
    the keyword names given at each raise site (a site that splats a mapping is left out:
    its names are not known here)."""
    named: set[str] = set()
    sites: dict[str, list[list[str]]] = defaultdict(list)
    for path in product_sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and CODE.match(node.value) and node.value.split(".")[0] in AREAS
                    and not Path(ROOT, "texts", "notify", node.value).is_dir()
                    and not node.value.endswith((".html", ".json", ".csv"))):
                named.add(node.value)
            if (isinstance(node, ast.Call) and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and node.args[0].value in TEMPLATES
                    and all(k.arg for k in node.keywords)):
                sites[node.args[0].value].append(sorted(k.arg for k in node.keywords
                                                        if k.arg))
    return {"named": sorted(named), "sites": sites}


# the scan parses every product module (seconds): once per run and per change of the sources
# (tests/support/once.py), though every worker collects this module; it reads the names of
# the files under texts/errors/ and of the folders in texts/notify/, so those folders (whose
# times change when a name in them does) are among its inputs
_ERRORS, _NOTIFY = ROOT / "texts" / "errors", ROOT / "texts" / "notify"
_SCANNED = from_sources("error-codes",
                        [*product_sources(), _ERRORS, *_ERRORS.iterdir(), _NOTIFY], _scan)
NAMED: set[str] = set(_SCANNED["named"])
SITES: dict[str, list[set[str]]] = {code: [set(given) for given in sites]
                                    for code, sites in _SCANNED["sites"].items()}


def _needs(code: str) -> set[str]:
    name = "errors/" + code.replace(".", "/", 1) + ".j2"
    return meta.find_undeclared_variables(TEXTS.env.parse(TEXTS.source(name)))


def _sample(code: str, variable: str) -> object:
    if variable == "what" and code.startswith("window."):
        return "apply"
    if variable == "lines":
        return [(3, "证件号码格式不正确。"), (7, "专家不存在。")]
    if variable == "rule":  # a batch's rule set (admin.qualifications_by_rule)
        return "hunan"
    if variable == "small":  # verify.small_pool: the small conditions
        return [{"number": 1, "size": 5, "planned": 2}, {"number": 2, "size": 3, "planned": 1}]
    if variable == "empty":  # verify.urgent_empty: the conditions nobody willing
        return [{"number": 1}, {"number": 3}]
    if variable in TIMES:
        return datetime(2026, 12, 10, 9, 30, tzinfo=CHINA)
    if variable in LISTS:
        return ["职称证书", "身份证"]
    return "示例"


def test_every_code_the_code_names_has_words() -> None:
    missing = sorted(NAMED - TEMPLATES)
    assert not missing, f"no texts/errors/<area>/<name>.j2 for {missing}"


def test_every_error_text_is_used() -> None:
    unused = sorted(TEMPLATES - NAMED)
    assert not unused, f"texts/errors/ holds words no code raises: {unused}"


@pytest.mark.parametrize("code", sorted(SITES))
def test_every_raise_site_gives_what_the_words_need(code: str) -> None:
    for given in SITES[code]:
        short = _needs(code) - given
        assert not short, f"a raise of {code} gives {sorted(given)}, its words need {sorted(short)}"


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_error_text_renders(code: str) -> None:
    name = "errors/" + code.replace(".", "/", 1) + ".j2"
    rendered = TEXTS.render(name, **{v: _sample(code, v) for v in _needs(code)})
    assert rendered.strip() and "None" not in rendered and not find_unmasked(rendered)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in rendered), f"{code} is not in Chinese"
