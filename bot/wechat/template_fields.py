"""WeChat's typed template fields (since 2023): values are shortened deliberately to fit, so
WeChat never refuses a message with 47003."""

from __future__ import annotations

import re

ELLIPSIS = "…"
_TIME = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?|"
                   r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?")
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}")


class FieldFormatError(ValueError):
    """A value that no shortening makes valid for its field (a time or date in another
    format): a bug in a template or its parameters, not something a retry can mend."""


def field_type(key: str) -> str:
    """`thing3` -> `thing`: a template field is named after its type."""
    return re.sub(r"\d+$", "", key)


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[:limit - 1] + ELLIPSIS


def fit(key: str, value: str) -> str:
    """`value` made acceptable for the field `key`, keeping as much meaning as fits.
    Raises FieldFormatError for time/date values in the wrong format (a bug in a template)."""
    kind = field_type(key)
    value = " ".join(str(value).split())
    if kind in ("thing", "const"):
        return _cut(value, 20) or "-"
    if kind == "name":
        return _cut(value, 10) or "-"
    if kind == "phrase":  # at most 5 Chinese characters, nothing else
        return "".join(re.findall(r"[\u4e00-\u9fff]", value))[:5] or "通知"
    if kind == "character_string":  # letters, digits, symbols: no Chinese, 32 at most
        return "".join(ch for ch in value if "!" <= ch <= "~")[:32] or "-"
    if kind == "phone_number":
        return "".join(re.findall(r"[0-9+\-() ]", value))[:17] or "-"
    if kind == "number":
        return "".join(re.findall(r"[0-9.]", value))[:32] or "0"
    if kind == "amount":
        found = re.search(r"\d+(\.\d+)?", value)
        return f"{float(found.group(0)) if found else 0:.2f}元"
    if kind == "time" and not _TIME.fullmatch(value):
        raise FieldFormatError(f"{key}: {value!r} is not a WeChat time value")
    if kind == "date" and not _DATE.fullmatch(value):
        raise FieldFormatError(f"{key}: {value!r} is not a WeChat date value")
    return value
