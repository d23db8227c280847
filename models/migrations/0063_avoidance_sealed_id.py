"""An avoided person's ID number kept sealed beside its lookup hash, so that a request to
another library can carry a hash of it under that request's own key (docs/federation.md):
one plain ADD COLUMN, NULL for the rows already there (their numbers were not kept)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class Migration(migrations.Migration):
    dependencies = [('models', '0062_peer_ask_release')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Avoidance',
            name='id_sealed',
            field=fields.TextField(null=True),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
