"""Person.birth_date (in clear) becomes Person.birth_year: with the masked display
(110105********002X, the first 6 and last 4 characters) the full date gave back the whole
ID number. The full date is still in the encrypted number for the rules that need it.

Written by hand rather than with AddField / RemoveField: on SQLite those rebuild the person
table, and dropping the old table with foreign keys on would cascade to every row that
references a person (roles, WeChat identities, applications...). Plain ALTER TABLE ADD / DROP
COLUMN works on both SQLite (3.35+) and PostgreSQL and keeps the table. Not reversible: the
month and day are not kept anywhere in clear any more."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class _StateOnly:
    """The operation's change to the migration state; its SQL is in _birth_year below."""

    async def database_forward(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def database_backward(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("0010_birth_year cannot be reversed")


class AddFieldState(_StateOnly, ops.AddField):
    pass


class RemoveFieldState(_StateOnly, ops.RemoveField):
    pass


async def _birth_year(apps: Any, schema_editor: Any) -> None:
    postgres = schema_editor.client.capabilities.dialect == "postgres"
    # SQLite keeps a DateField as ISO text, YYYY-MM-DD
    year = ("EXTRACT(YEAR FROM birth_date)::int" if postgres
            else "CAST(substr(birth_date, 1, 4) AS INTEGER)")
    # SQLite cannot add a NOT NULL column without a default, nor drop the default later
    # without rebuilding the table: there the column keeps DEFAULT 0 (the model always sets
    # the year). _run_sql runs each statement inside the migration's transaction.
    await schema_editor._run_sql(
        "ALTER TABLE person ADD COLUMN birth_year INT NOT NULL DEFAULT 0")
    await schema_editor._run_sql(f"UPDATE person SET birth_year = {year}")  # nosec B608
    if postgres:
        await schema_editor._run_sql("ALTER TABLE person ALTER COLUMN birth_year DROP DEFAULT")
    await schema_editor._run_sql("ALTER TABLE person DROP COLUMN birth_date")


class Migration(migrations.Migration):
    dependencies = [('models', '0009_attendance')]

    initial = False

    operations = [
        AddFieldState(
            model_name='Person',
            name='birth_year',
            field=fields.IntField(),
        ),
        RemoveFieldState(model_name='Person', name='birth_date'),
        ops.RunPython(_birth_year),
    ]
