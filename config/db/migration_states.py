"""tortoise's migration runner copies its whole model state before every operation (the
"old state" an operation may compare with) and renders every model class of the copy at
once: O(operations × models), ~30 s of CPU for this project's 60 migrations, nearly all
for copies nobody reads (creating a table or adding a column reads the new state only).
Here a copy keeps its model states at once (cheap) and renders its classes only when an
operation asks for them: the same classes from the same states, later or never. And after
each operation tortoise finalises every model of the state again (its filters, fields and
base queries: ~half of a migration's CPU), though only the models the operation changed
were rendered anew: here a model is finalised again only when its fields have changed
(a new class, or a relation added to it). And every class rendered built its fields' two
dozen lookups (`name__in`, `name__gte`, ...) anew, a quarter of a migration's CPU, though
they are the same for the same name, column and kind of field: here they are made once and
shared (tortoise copies one before changing it). Mended here until tortoise does it itself
(tests/house checks the migrated schema against the models on both databases).
Idempotent."""

from __future__ import annotations

import weakref
from typing import Any


def lazy_migration_states() -> None:
    from tortoise.migrations.schema_generator.state import State
    from tortoise.migrations.schema_generator.state_apps import StateApps

    if getattr(State, "_expertbot_lazy", False):
        return

    class LazyState(State):
        """A copy whose model classes are rendered at their first use."""

        def __init__(self, models: dict[Any, Any], source: StateApps) -> None:
            self.models = models
            self._source = source  # the copied state's apps: its connections, nothing else
            self._rendered: StateApps | None = None

        @property
        def apps(self) -> StateApps:
            if self._rendered is None:
                self._rendered = self._source.clone(model_states=self.models)
            return self._rendered

        @apps.setter
        def apps(self, value: StateApps) -> None:
            self._rendered = value

    def clone(self: State) -> State:
        models = {key: model.clone() for key, model in self.models.items()}
        source = self._source if isinstance(self, LazyState) and self._rendered is None \
            else self.apps
        return LazyState(models, source)

    State.clone = clone  # type: ignore[method-assign]
    StateApps._build_initial_querysets = _finalise_changed  # type: ignore[method-assign]
    _shared_lookups()
    State._expertbot_lazy = True  # type: ignore[attr-defined]


def _shared_lookups() -> None:
    """A model class's lookups for a plain field made once per name, column and kind of
    field (relations, JSON and array fields as tortoise makes them)."""
    import tortoise.models
    from tortoise.contrib.postgres.fields import ArrayField
    from tortoise.fields import JSONField
    from tortoise.fields.relational import BackwardFKRelation, ManyToManyFieldInstance
    from tortoise.filters import get_filters_for_field as made

    special = (ManyToManyFieldInstance, BackwardFKRelation, JSONField, ArrayField)
    shared: dict[tuple[Any, ...], Any] = {}

    def lookups(field_name: str, field: Any, source_field: str) -> Any:
        if field is None or isinstance(field, special):
            return made(field_name, field, source_field)
        key = (field_name, source_field, type(field),
               field.model_field_name if field_name == "pk" else None)
        found = shared.get(key)
        if found is None:
            found = shared[key] = made(field_name, field, source_field)
        return found

    vars(tortoise.models)["get_filters_for_field"] = lookups  # the name its classes call


# each model class of a state as it was last finalised: its fields' names and objects
_FINALISED: weakref.WeakKeyDictionary[type, tuple[tuple[str, int], ...]] = \
    weakref.WeakKeyDictionary()


def _finalise_changed(self: Any) -> None:
    """StateApps._build_initial_querysets for the models whose fields changed since they
    were last finalised (their names and field objects are the same otherwise)."""
    from pypika_tortoise.queries import Table

    if self._connections._db_config is None:  # state-only mode, as tortoise's own
        return
    for app in self.apps.values():
        for model in app.values():
            meta = model._meta
            if meta.default_connection is None or not meta._inited:
                continue
            fields = tuple((name, id(field)) for name, field in meta.fields_map.items())
            if _FINALISED.get(model) == fields:
                continue
            meta.finalise_model()
            meta.basetable = Table(name=meta.db_table, schema=meta.schema)
            basequery = meta.db.query_class.from_(meta.basetable)
            meta.basequery = basequery
            meta.basequery_all_fields = basequery.select(*meta.db_fields)
            _FINALISED[model] = fields
