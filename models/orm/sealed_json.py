"""A JSON column some of whose keys are sealed at rest (an application's form keeps the
applicant's backup and office phones): in Python the dict holds clear values; in the database
those keys hold SM4-GCM seals (models/orm/sealing.py), opened as the row is read. A value written
before sealing (clear) is read as it is and sealed at the row's next save. To the migrations
it is an ordinary JSONField: the column and its type do not change."""

from __future__ import annotations

from typing import Any

from tortoise import fields

from models.orm import sealing

PURPOSE = b"form-field"
MARK = "sm4:"  # a sealed value starts so (a phone never does)


class SealedJSONField(fields.JSONField):  # type: ignore[type-arg]
    def __init__(self, sealed: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sealed = frozenset(sealed)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        _, args, kwargs = super().deconstruct()
        kwargs.pop("sealed", None)
        return "tortoise.fields.data.JSONField", args, kwargs

    def describe(self, serializable: bool) -> dict[str, Any]:
        described = super().describe(serializable)
        described["field_type"] = "JSONField"  # the column is an ordinary JSON one
        return described

    def to_db_value(self, value: Any, instance: Any) -> str | None:
        if isinstance(value, dict) and self.sealed & value.keys():
            seal = sealing.sealer()
            value = {k: seal.encrypt(v, PURPOSE) if k in self.sealed and isinstance(v, str)
                     and v and not v.startswith(MARK) else v for k, v in value.items()}
        return super().to_db_value(value, instance)

    def to_python_value(self, value: Any) -> Any:
        data = super().to_python_value(value)
        if isinstance(data, dict) and self.sealed & data.keys():
            seal = sealing.sealer()
            data = {k: seal.decrypt(v, PURPOSE) if k in self.sealed and isinstance(v, str)
                    and v.startswith(MARK) else v for k, v in data.items()}
        return data
