"""The base of every model: tortoise's Model without its field-comment scan.

Tortoise reads each model class's source at import (`inspect.getsource`, which parses the
whole module once per class) to collect `#:` comments as field descriptions. Our models
carry none, and the scan cost every process about a tenth of a second at start-up: each
`expertbot` command, each worker, each test worker."""

from __future__ import annotations

from typing import Any

from tortoise.models import Model as TortoiseModel
from tortoise.models import ModelMeta


class _NoCommentScan(ModelMeta):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        attrs.setdefault("_no_comments", True)
        return super().__new__(mcs, name, bases, attrs)


class Model(TortoiseModel, metaclass=_NoCommentScan):
    class Meta:
        abstract = True
