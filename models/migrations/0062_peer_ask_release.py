"""A condition drawn here after its request may have reached the other library: that library
is told to cancel and release the experts it confirmed, until it answers. Two plain ADD
COLUMNs with defaults: the rows there are told nothing (none needed it)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class Migration(migrations.Migration):
    dependencies = [('models', '0061_notification_families')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PeerAsk',
            name='release',
            field=fields.CharField(default='', db_default='', max_length=8),
        ),
        ops.AddField(
            model_name='PeerAsk',
            name='released',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
