"""tortoise's migration runner copies its whole model state before every operation (the
"old state" an operation may compare with) and renders every model class of the copy at
once: O(operations × models), ~30 s of CPU for this project's 60 migrations, nearly all
for copies nobody reads (creating a table or adding a column reads the new state only).
Here a copy keeps its model states at once (cheap) and renders its classes only when an
operation asks for them: the same classes from the same states, later or never. Mended
here until tortoise does it itself (tests/house checks the migrated schema against the
models on both databases). Idempotent."""

from __future__ import annotations

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
    State._expertbot_lazy = True  # type: ignore[attr-defined]
