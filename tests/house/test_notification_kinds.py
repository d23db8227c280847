"""Notification kinds are one registry (services/notifications/kind_registry.py), held both ways
against the code that queues them and against texts/: a kind a newcomer adds in one place
and not the others fails here, naming what is missing."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from config.settings import ROOT
from services.common.texts import Texts
from services.notifications.change import Change
from services.notifications.kind_registry import KINDS
from tests.support.words import table_keys

PRODUCT = ("services", "bot", "handlers", "miniapp_api", "web", "config", "sandbox", "console")
KIND_LIKE = re.compile(r"^[a-z_]+\.[a-z_]+(\.[a-z_]+)?$")
TEXTS = Texts(ROOT / "texts")
CHANNEL_FILES = ("chat.j2", "template.j2", "subscribe.j2", "sms.j2", "voice.j2")
REGISTERED = set(KINDS)


def _queued_in_code() -> dict[str, list[str]]:
    """Every literal kind given to a `notify…(...)` call, and every `…_KIND = "…"` constant,
    with where it is."""
    found: dict[str, list[str]] = {}
    for package in PRODUCT:
        for path in Path(ROOT, package).rglob("*.py"):
            where = str(path.relative_to(ROOT))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                literals: list[ast.expr] = []
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(
                        func, "id", "")
                    if name.startswith("notify"):
                        literals = list(node.args)
                elif isinstance(node, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id.endswith("_KIND") for t in node.targets):
                    literals = [node.value]
                for arg in literals:
                    if (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                            and KIND_LIKE.match(arg.value)):
                        found.setdefault(arg.value, []).append(f"{where}:{node.lineno}")
    return found


def test_every_kind_the_code_queues_is_registered() -> None:
    queued = _queued_in_code()
    assert len(queued) > 30  # the scan finds the calls
    unknown = {kind: where for kind, where in queued.items() if kind not in REGISTERED}
    assert not unknown, f"kinds queued but not in NotificationKind: {unknown}"


def test_every_registered_kind_has_its_folder_and_a_channel() -> None:
    folders = {p.name for p in (ROOT / "texts" / "notify").iterdir() if p.is_dir()}
    assert folders - REGISTERED == set(), "texts/notify/ folders of no registered kind"
    assert REGISTERED - folders == set(), "registered kinds without texts/notify/<kind>/"
    for kind in REGISTERED:
        channels = [f for f in CHANNEL_FILES if (ROOT / "texts" / "notify" / kind / f).exists()]
        assert channels, f"{kind} has no channel's words ({', '.join(CHANNEL_FILES)})"


def test_every_registered_kind_has_its_word_and_no_word_is_stale() -> None:
    """The administrator's desk and a person's data copy name a kind in words."""
    keys = table_keys(TEXTS, "notification_kind")
    assert REGISTERED - keys == set(), "kinds without words in notification_kind.j2"
    assert keys - REGISTERED == set(), "words in notification_kind.j2 for no kind"
    for kind in REGISTERED:
        assert re.search(r"[\u4e00-\u9fff]", TEXTS.word("notification_kind", kind)), kind


async def test_an_unregistered_kind_cannot_be_queued() -> None:
    change = Change(datetime.now(UTC))
    with pytest.raises(ValueError, match="NotificationKind"):
        await change.notify("draw.something_new", {}, person_id=1)
    with pytest.raises(ValueError, match="NotificationKind"):
        await change.notify_each("draw.something_new", {}, [1])
    assert change.added == []
