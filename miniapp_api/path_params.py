"""Path values validated at the edge by what they name, as bodies are by their models: an id
(`*_id`) is 1 to 2^63 - 1 in digits (a database BIGINT); the few words a path carries
(`kind`, `purpose`) are short lower-case names; a peer library's code is letters and digits;
a verification code (`code`) is 4 to 8 digits.
A value that is not one is no such item (404), never a 500 from the database. Every route's
path parameters must be declared here: the start-up check refuses a route that names one
that is not."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from services.common.errors import NotFound

MAX_ID = 2**63 - 1  # ids are BIGINT
_ID = re.compile(r"[1-9][0-9]{0,18}")
WORDS = {"kind": re.compile(r"[a-z_]{1,16}"), "purpose": re.compile(r"[a-z_]{1,12}"),
         # another library's code (FEDERATION_PEERS): letters and digits
         "peer_code": re.compile(r"[A-Za-z0-9]{1,16}"),
         # an expert's verification code (a lent expert is known only by it)
         "code": re.compile(r"[0-9]{4,8}"),
         # a 帮助中心 entry's key (texts/help/knowledge.toml)
         "key": re.compile(r"[a-z0-9][a-z0-9-]{0,63}"),
         # a file's place in a short list (a 公示 objection's evidence: 0, 1, 2)
         "index": re.compile(r"[0-9]{1,2}")}
_NAMES = re.compile(r"\{(\w+)")


def names_in(path: str) -> list[str]:
    return _NAMES.findall(path)


def declared(name: str) -> bool:
    return name.endswith("_id") or name in WORDS


def check_declared(paths: Iterable[str]) -> None:
    """At start-up: every path parameter of every route has its rule here."""
    missing = sorted({f"{p} {{{n}}}" for p in paths for n in names_in(p) if not declared(n)})
    if missing:
        raise RuntimeError("path parameters without a rule in miniapp_api/path_params.py: "
                           + ", ".join(missing))


def valid(name: str, value: str) -> bool:
    if name.endswith("_id"):
        return value.isascii() and _ID.fullmatch(value) is not None and int(value) <= MAX_ID
    rule = WORDS.get(name)
    return rule is not None and value.isascii() and rule.fullmatch(value) is not None


def require_path(path: str, values: Mapping[str, str]) -> None:
    """The path's values, each by its rule: a bad one is no such item."""
    for name in names_in(path):
        if not valid(name, values.get(name, "")):
            raise NotFound("api.no_such_item")
