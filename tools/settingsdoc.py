"""Writes the settings' tables of docs/configuration.md from their definitions: every class
built on pydantic-settings' `BaseSettings` under config/ that defines fields, a table each,
with each field's variable, default, allowed values and description.
`python tools/settingsdoc.py` rewrites the part of the page between its two markers;
`--check` only reports a drift (tests/house/test_settings_doc.py checks the same, and that
every setting has a description)."""

from __future__ import annotations

import ast
import importlib
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotated_types import Ge, Gt, Le, Lt, MinLen  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402
from pydantic_settings import BaseSettings  # noqa: E402

PAGE = ROOT / "docs" / "configuration.md"
START = ("<!-- settings: written by tools/settingsdoc.py from the definitions in config/; "
         "change those, not this part -->")
END = "<!-- settings: end -->"
NO_DESCRIPTION = "(no description: give the field one)"


def settings_classes(root: Path = ROOT) -> list[type[BaseSettings]]:
    """Every settings class under config/ that defines fields of its own: first those the
    service's `Settings` is composed of, in its order, then the providers' in config/settings/
    and the others', in the order of their files and lines."""
    found: list[type[BaseSettings]] = []
    paths = sorted((root / "config").rglob("*.py"),
                   key=lambda p: (p.parent.name != "settings", p))  # the providers' first
    for path in paths:
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and any(
                    getattr(base, "id", getattr(base, "attr", "")).endswith("Settings")
                    for base in node.bases):
                cls = getattr(importlib.import_module(module), node.name)
                if isinstance(cls, type) and issubclass(cls, BaseSettings) and own(cls):
                    found.append(cls)
    from config.settings import Settings
    first = [cls for cls in Settings.__mro__ if cls in found]
    return first + [cls for cls in found if cls not in first]


def own(cls: type[BaseSettings]) -> list[str]:
    """The fields a class defines itself (not those of the classes it is built on)."""
    inherited = {name for base in cls.__bases__ for name in getattr(base, "model_fields", {})}
    return [name for name in cls.model_fields if name not in inherited]


def variable(name: str, info: FieldInfo) -> str:
    """The environment variable a field is read from."""
    return str(info.validation_alias) if info.validation_alias else name.upper()


def default_text(value: Any) -> str:
    """A field's default as the page writes it."""
    if value is None:
        return "unset"
    if isinstance(value, Path):
        try:
            return f"`./{value.relative_to(ROOT)}`"
        except ValueError:
            return f"`{value}`"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, dict | list):
        return f"`{json.dumps(value, ensure_ascii=False)}`"
    if value == "":
        return "empty"
    return f"`{value}`"


def allowed_text(info: FieldInfo) -> str:
    """What a field takes: its choices, a yes or no, a number within its bounds, JSON."""
    annotation = info.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)] \
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is \
        typing.Union else [annotation]
    kind = args[0] if args else annotation
    if typing.get_origin(kind) is typing.Literal:
        return ", ".join(f"`{v}`" for v in typing.get_args(kind) if v != "") or "—"
    if kind is bool:
        return "`true` or `false`"
    if typing.get_origin(kind) in (dict, list) or kind in (dict, list):
        return "JSON"
    if kind is Path:
        return "a directory"
    bounds = []
    for meta in info.metadata:
        for cls, sign in ((Ge, "≥"), (Gt, ">"), (Le, "≤"), (Lt, "<")):
            if isinstance(meta, cls):
                bounds.append(f"{sign} {getattr(meta, cls.__name__.lower())}")
        if isinstance(meta, MinLen):
            bounds.append("not empty")
    number = {int: "a whole number", float: "a number"}.get(kind)  # type: ignore[call-overload]
    if number:
        return ", ".join([number, *bounds])
    return ", ".join(bounds) or "text"


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def section(cls: type[BaseSettings]) -> str:
    """One class's heading, where it is defined, and its table."""
    doc = (cls.__doc__ or cls.__name__).strip().split("\n\n")[0]
    heading = " ".join(doc.split()).rstrip(".")
    path = Path(sys.modules[cls.__module__].__file__ or "").relative_to(ROOT)
    lines = [f"## {heading}", "", f"`{cls.__name__}`, `{path}`", "",
             "| variable | default | takes | meaning |", "| --- | --- | --- | --- |"]
    for name in own(cls):
        info = cls.model_fields[name]
        lines.append(f"| `{variable(name, info)}` | {cell(default_text(info.default))} | "
                     f"{cell(allowed_text(info))} | "
                     f"{cell(info.description or NO_DESCRIPTION)} |")
    return "\n".join(lines)


def generated() -> str:
    """The page's generated part, markers included."""
    body = "\n\n".join(section(cls) for cls in settings_classes())
    return f"{START}\n\n{body}\n\n{END}"


def undescribed() -> list[str]:
    """Every setting without a description, as `Class.field (VARIABLE)`."""
    return [f"{cls.__name__}.{name} ({variable(name, cls.model_fields[name])})"
            for cls in settings_classes() for name in own(cls)
            if not cls.model_fields[name].description]


def documented(page: str) -> str:
    """The page with its generated part written from the definitions."""
    start, end = page.find(START), page.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{PAGE.relative_to(ROOT)}: the markers {START!r} and {END!r} are "
                         f"missing")
    return page[:start] + generated() + page[end + len(END):]


def main(argv: list[str]) -> int:
    page = PAGE.read_text()
    wanted = documented(page)
    for missing in undescribed():
        print(f"settingsdoc: {missing} has no description (Field(..., description=...))")
    if wanted == page:
        return 1 if undescribed() else 0
    if "--check" in argv:
        print(f"settingsdoc: {PAGE.relative_to(ROOT)} drifted from the settings' definitions "
              f"(python tools/settingsdoc.py rewrites it)")
        return 1
    PAGE.write_text(wanted)
    print(f"settingsdoc: {PAGE.relative_to(ROOT)} rewritten from the settings' definitions")
    return 1 if undescribed() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
