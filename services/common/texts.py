"""Every user-facing text is a jinja2 template in one folder, editable without code changes:
an edited file is picked up within `check_interval` seconds, without a restart."""

from __future__ import annotations

import functools
import os
import time
from datetime import date, datetime
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args

from jinja2 import ChainableUndefined, Environment, FileSystemLoader, StrictUndefined, Undefined

from services.common.clock import CHINA, china_time
from services.common.errors import DomainError
from services.common.template_code import COMPILED

# every table of words (texts/words/<table>.j2), as a type: a table not here fails mypy, and
# tests/house/test_texts.py holds this list to the folder both ways
WordTable = Literal[
    "access_action",
    "access_purpose",
    "activity_source",
    "answered_via",
    "application_kind",
    "application_status",
    "audit_param",
    "authorisation_state",
    "batch_kind",
    "bill_note",
    "bill_run_status",
    "channel",
    "channel_kind",
    "check_method",
    "condition_state",
    "correction_case",
    "dishonesty_flag",
    "dishonesty_run_status",
    "dishonesty_trigger",
    "document",
    "draw_ending",
    "draw_status",
    "draw_template",
    "evaluation_refusal",
    "evaluation_what",
    "event_kind",
    "fapiao_state",
    "federation_refusal",
    "federation_release",
    "federation_what",
    "fee_channel",
    "funding_state",
    "gender",
    "grading",
    "help_audience",
    "help_kind",
    "help_process",
    "help_ranker",
    "help_review_reason",
    "help_review_state",
    "import_status",
    "invitation_status",
    "invoice_title",
    "kinship",
    "link_state",
    "notification_kind",
    "order_status",
    "payout_state",
    "peer_draw_state",
    "peer_fee_state",
    "personal_data",
    "personal_field",
    "portrait_dimension",
    "proposal_kind",
    "proposal_status",
    "record_field",
    "retention_keep",
    "review_decision",
    "review_outcome",
    "role",
    "secondary_rule",
    "send_error_code",
    "send_status",
    "settled_by",
    "sign_in_how",
    "situation",
    "skip_reason",
    "support_state",
    "urgency_reason",
    "urgency_status",
    "venue_role",
    "wechat_event",
]
WORD_TABLES: frozenset[str] = frozenset(get_args(WordTable))
_CACHE_LIMIT = 4096
# arguments a rendered text may be remembered by: values, equal only when they read the same
# (a model row hashes by its id alone, and a row read again after a change, or a new row
# given a freed id, would get the old words)
_PLAIN = (str, int, float, bool, type(None), Decimal, date, datetime, time_of_day)


def china_date(moment: datetime) -> str:
    """2026年11月21日"""
    return f"{moment.astimezone(CHINA):%Y年%m月%d日}"


def china_clock(moment: datetime) -> str:
    """14:30"""
    return f"{moment.astimezone(CHINA):%H:%M}"


def yuan(fen: int) -> str:
    """Money kept in fen, written in yuan with two decimals: 800.50元."""
    return f"{Decimal(fen) / 100:.2f}元"


class _Gist(ChainableUndefined):
    """A value a refusal's gist leaves out: "…"; true in a condition, so that a refusal
    that names something says that it did (还有 … 位专家的酬劳没有登记), not its "none" case."""

    def __str__(self) -> str:
        return "…"

    def __bool__(self) -> bool:
        return True


def _tolerant(f: Any) -> Any:
    """A filter that gives "…" for a value left out (the environment or context a filter
    is passed comes first: the value after it)."""
    at = 1 if getattr(f, "jinja_pass_arg", None) else 0

    @functools.wraps(f)  # keeps jinja_pass_arg
    def apply(*args: Any, **kwargs: Any) -> Any:
        return "…" if isinstance(args[at], Undefined) else f(*args, **kwargs)
    return apply


def _plain(value: Any) -> bool:
    """A value a text can be remembered by (tuples of such values too)."""
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN)


def no_none(value: object) -> object:
    """What a template prints for a value: nothing for None (an optional field left empty),
    never the word "None" on a page, a print or a message."""
    return "" if value is None else value


# a folder's stamp (Texts._snapshot) as last scanned in this process, and when
_SCANNED: dict[str, tuple[float, tuple[int, int]]] = {}


class Texts:
    """Renders `texts/<name>` (plain text, no HTML escaping, strict about missing variables).

    Rendered results are memoised per (template, arguments) when every argument is a plain
    value (_PLAIN), since most replies are the same few texts with the same few arguments;
    the memo is dropped when any file changes.
    """

    def __init__(self, directory: Path, check_interval: float = 2.0) -> None:
        self.directory = directory
        self.env = Environment(
            loader=FileSystemLoader(directory),
            finalize=no_none,
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # checked here, at most every check_interval, not per render
            # every file of the folder stays compiled: there are some 1,200, and jinja's
            # default of 400 made a long-running service compile the same texts again
            cache_size=-1,
            bytecode_cache=COMPILED,
        )
        # times are given as datetimes and written in Beijing time by the text itself
        self.env.filters.update(china_time=china_time, china_date=china_date,
                                china_clock=china_clock, yuan=yuan)
        # where desk roles work (a push points there): the deployment's address is set by the
        # runtime (config/runtime.py); a text rendered elsewhere still reads
        self.env.globals["console_url"] = "/console/"
        # the desk roles whose work is the console's alone (DESK_2FA_ROLES: the mini-program
        # refuses them), so their pushes send them there; set by the runtime too
        self.env.globals["desk_only"] = frozenset()
        self._interval = check_interval
        self._gist: Environment | None = None  # error_gist's, made when first asked
        self._memo: dict[tuple[Any, ...], str] = {}
        self._sources: dict[str, str] = {}  # read for their declared fields, every send
        self._stamp = self._snapshot()

    def _snapshot(self) -> tuple[int, int]:
        """The newest file's time and how many files there are (os.scandir: half the cost
        of walking and stating each path), scanned at most once an interval for every Texts
        of the folder in the process (each service a process runs has its own)."""
        now, key = time.monotonic(), str(self.directory)
        seen = _SCANNED.get(key)
        if seen is not None and now - seen[0] < self._interval:
            return seen[1]
        newest, count, folders = 0, 0, [key]
        while folders:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    else:
                        newest = max(newest, entry.stat().st_mtime_ns)
                        count += 1
        _SCANNED[key] = (now, (newest, count))
        return newest, count

    def _maybe_reload(self) -> None:
        stamp = self._snapshot()  # the folder scanned again once its last scan is old
        if stamp != self._stamp:
            self._stamp = stamp
            if self.env.cache is not None:
                self.env.cache.clear()
            self._memo.clear()
            self._sources.clear()
            self._gist = None  # its compiled copies are of the files as they were

    def render(self, template: str, /, **values: Any) -> str:
        """The rendered text, surrounding whitespace trimmed."""
        self._maybe_reload()
        plain = all(_plain(v) for v in values.values())
        key = (template, *sorted(values.items())) if plain else None
        cached = self._memo.get(key) if key is not None else None
        if cached is not None:
            return cached
        out = self.env.get_template(template).render(**values).strip()
        if key is not None:
            if len(self._memo) >= _CACHE_LIMIT:
                self._memo.clear()
            self._memo[key] = out
        return out

    def word(self, table: WordTable, key: str) -> str:
        """The word a person reads for a stored value (a status, a role, a grading):
        texts/words/<table>.j2, never the value itself."""
        return self.render(f"words/{table}.j2", key=str(key))

    def error(self, exc: DomainError) -> str:
        """The words of a refusal: texts/errors/<area>/<name>.j2 of its code `area.name`,
        with its parameters (errors among them rendered first)."""
        area, _, name = exc.code.partition(".")
        return self.render(f"errors/{area}/{name}.j2",
                           **{k: self._words(v) for k, v in exc.params.items()})

    def error_gist(self, code: str) -> str:
        """A refusal's words without its values (the trail keeps no values: they may name
        people): each value a text needs stands as "…" (评标结束后（… 或全部专家离场后）才能
        登记专家酬劳)."""
        area, _, name = code.partition(".")
        self._maybe_reload()
        if self._gist is None:
            self._gist = self.env.overlay(undefined=_Gist)
            # a dict of its own: an overlay shares its parent's filters
            self._gist.filters = {k: _tolerant(f) for k, f in self.env.filters.items()}
        return self._gist.get_template(f"errors/{area}/{name}.j2").render().strip()

    def _words(self, value: Any) -> Any:
        if isinstance(value, DomainError):
            return self.error(value)
        if isinstance(value, list | tuple):
            return type(value)(self._words(v) for v in value)
        return value

    def source(self, name: str) -> str:
        """The template's own text (to read the fields or variables it declares), read from
        its file once until a file of the folder changes."""
        assert self.env.loader is not None
        self._maybe_reload()
        found = self._sources.get(name)
        if found is None:
            found = self._sources[name] = self.env.loader.get_source(self.env, name)[0]
        return found

    def names(self, prefix: str = "") -> list[str]:
        """Every template under `prefix` (for the test that renders them all)."""
        return sorted(n for n in self.env.list_templates() if n.startswith(prefix)
                      and not n.rsplit("/", 1)[-1].startswith("_"))
