"""The places of a shared draw the asking agency asks the lending library to fill again (a
补抽 for its absent experts), and the agency's performance records of the lent experts:
kept on both sides, sent with the evaluation's changes, and on the lending side which
records it has written. Plain ADD COLUMNs with defaults or NULL."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class Migration(migrations.Migration):
    dependencies = [('models', '0064_peer_updates')]

    initial = False

    operations = [
        ops.AddField(model_name='PeerAsk', name='wanted',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerDraw', name='wanted',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerAsk', name='records',
                     field=fields.JSONField(null=True)),
        ops.AddField(model_name='PeerDraw', name='records',
                     field=fields.JSONField(null=True)),
        ops.AddField(model_name='PeerDraw', name='records_done',
                     field=fields.JSONField(null=True)),
        ops.RunPython(restore_sqlite_indexes),
    ]
