"""A person's phone sealed at rest: the clear column becomes `phone_clear`, nullable
(`expertbot migrate` and `expertbot reencrypt` seal what it holds and empty it, in batches,
while the service runs and reads either), beside the SM4-GCM ciphertext, its HMAC-SM3 lookup
hash and the masked display.

The clear column is moved by hand, as 0010 did for the birth date: a RenameField / AlterField
rebuilds the person table on SQLite, and dropping the old table with foreign keys on would
cascade to every row that references a person. Plain ALTER TABLE ADD / DROP COLUMN keeps the
table on SQLite (3.35+) and PostgreSQL."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class _StateOnly:
    """The operation's change to the migration state; its SQL is in _move_clear below."""

    async def database_forward(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def database_backward(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("0033_phone_sealed cannot be reversed")


class AddFieldState(_StateOnly, ops.AddField):
    pass


class RemoveFieldState(_StateOnly, ops.RemoveField):
    pass


async def _move_clear(apps: Any, schema_editor: Any) -> None:
    if schema_editor.client.capabilities.dialect != "postgres":
        # SQLite refuses to drop an indexed column: its index goes first
        indexes = await schema_editor.client.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'person'"
            " AND sql LIKE '%\"phone\"%'")
        for index in indexes:
            await schema_editor._run_sql(f'DROP INDEX "{index["name"]}"')
    await schema_editor._run_sql("ALTER TABLE person ADD COLUMN phone_clear VARCHAR(11) NULL")
    await schema_editor._run_sql("UPDATE person SET phone_clear = phone")
    await schema_editor._run_sql("ALTER TABLE person DROP COLUMN phone")
    await schema_editor._run_sql(
        'CREATE INDEX IF NOT EXISTS "idx_person_phone_clear" ON "person" ("phone_clear")')


async def _index_hash(apps: Any, schema_editor: Any) -> None:
    # AddField's db_index makes no index on PostgreSQL: lookups by phone go through it
    await schema_editor._run_sql(
        'CREATE INDEX IF NOT EXISTS "idx_person_phone_hash" ON "person" ("phone_hash")')


class Migration(migrations.Migration):
    dependencies = [('models', '0032_desk_factor')]

    initial = False

    operations = [
        AddFieldState(
            model_name='Person',
            name='phone_clear',
            field=fields.CharField(null=True, max_length=11, db_index=True),
        ),
        RemoveFieldState(model_name='Person', name='phone'),
        ops.RunPython(_move_clear),
        ops.AddField(
            model_name='Person',
            name='phone_enc',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Person',
            name='phone_hash',
            field=fields.CharField(default='', db_default='', db_index=True, max_length=64),
        ),
        ops.AddField(
            model_name='Person',
            name='phone_masked',
            field=fields.CharField(default='', db_default='', max_length=11),
        ),
        ops.RunPython(_index_hash),
        ops.RunPython(restore_sqlite_indexes),
    ]
