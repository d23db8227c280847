"""A draw's seed sealed at rest until it is revealed (whoever reads the database before the
draw ends cannot foresee its order): the clear column keeps its name `seed` under the field
`seed_clear` (a rename in the migration state only: the table is not touched, so nothing that
references an activity is rebuilt), beside the sealed `seed_enc`. `expertbot migrate` seals
the seeds an older release kept in clear."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class _StateOnly:
    """A change to the migration state only: the column itself stays `seed` (source_field)."""

    async def database_forward(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def database_backward(self, *args: Any, **kwargs: Any) -> None:
        return None


class AddFieldState(_StateOnly, ops.AddField):
    pass


class RemoveFieldState(_StateOnly, ops.RemoveField):
    pass


class Migration(migrations.Migration):
    dependencies = [('models', '0035_password_changed_at')]

    initial = False

    operations = [
        RemoveFieldState(model_name='DrawActivity', name='seed'),
        AddFieldState(
            model_name='DrawActivity',
            name='seed_clear',
            field=fields.CharField(source_field='seed', null=True, max_length=64),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='seed_enc',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
