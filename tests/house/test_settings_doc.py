"""docs/configuration.md says what the settings are: its tables are the ones
tools/settingsdoc.py writes from the definitions (a setting added, renamed, given another
default or description fails here until the page is written again), every setting has a
description, and every variable the service reads outside the settings is on the page."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from pydantic import Field
from pydantic_settings import BaseSettings

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("config", "bot", "handlers", "miniapp_api", "services", "models", "web", "sandbox",
           "console")


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("settingsdoc", ROOT / "tools" / "settingsdoc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("settingsdoc", module)
    spec.loader.exec_module(module)
    return module


settingsdoc = _tool()


def test_the_page_is_written_from_the_definitions() -> None:
    page = settingsdoc.PAGE.read_text()
    assert settingsdoc.documented(page) == page, (
        "docs/configuration.md drifted from the settings' definitions: run "
        "`.venv/bin/python tools/settingsdoc.py`")


def test_every_setting_has_a_description() -> None:
    assert settingsdoc.undescribed() == [], (
        "give each of these a description= in its Field (the page is written from it)")


def test_every_variable_is_written_once_for_each_class_that_reads_it() -> None:
    """The concepts the service's own settings are composed of come first, in their order,
    then each provider's: every variable the service's settings read is in one table, and a
    class the page missed would leave its variables unwritten."""
    classes = settingsdoc.settings_classes()
    composed = [base for base in Settings.__mro__ if base in classes]
    assert classes[:len(composed)] == composed and len(composed) >= 5
    written = [settingsdoc.variable(name, cls.model_fields[name])
               for cls in composed for name in settingsdoc.own(cls)]
    assert sorted(written) == sorted(settingsdoc.variable(name, info)
                                     for name, info in Settings.model_fields.items())
    names = [cls.__name__ for cls in classes]
    for wanted in ("TencentSmsSettings", "RedisSentinelSettings", "DatabaseReplicaSettings",
                   "FederationSettings", "EvaluationSettings"):
        assert wanted in names, wanted


def test_variables_read_outside_the_settings_are_on_the_page() -> None:
    """`os.environ.get("X")`, `os.environ["X"]` and `os.getenv("X")` in the service."""
    read = set()
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                name = _environment_name(node)
                if name:
                    read.add(name)
    page = settingsdoc.PAGE.read_text()
    assert read, "the scan found no variable at all: it no longer sees how they are read"
    assert not [name for name in sorted(read) if f"`{name}`" not in page], (
        "read by the service but not on docs/configuration.md (its last table)")


def _environment_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        func = node.func
        if isinstance(func, ast.Attribute) and (
                (func.attr == "get" and _is_environ(func.value)) or func.attr == "getenv"):
            return str(node.args[0].value)
    if isinstance(node, ast.Subscript) and _is_environ(node.value) \
            and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    return None


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


class _Example(BaseSettings):
    """An example.

    Its second paragraph is not the heading."""

    mode: str = Field("", validation_alias="EXAMPLE_MODE", description="a | b")
    count: int = Field(3, ge=1, le=3, validation_alias="EXAMPLE_COUNT")
    flag: bool | None = Field(None, validation_alias="EXAMPLE_FLAG", description="on or off")


def test_a_section_says_each_fields_variable_default_and_bounds() -> None:
    text = settingsdoc.section(_Example)
    assert text.startswith("## An example\n")
    assert "| `EXAMPLE_MODE` | empty | text | a \\| b |" in text
    assert "| `EXAMPLE_COUNT` | `3` | a whole number, ≥ 1, ≤ 3 | (no description" in text
    assert "| `EXAMPLE_FLAG` | unset | `true` or `false` | on or off |" in text
