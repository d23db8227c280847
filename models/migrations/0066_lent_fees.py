"""The lent experts' fee sheet (FG-807: the 副场's experts paid by the library that lent
them, funded by the asking agency): the sheet as last sent and acknowledged on both sides,
its number and backoff, and the asking agency's funding of it. Plain ADD COLUMNs with
defaults or NULL."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class Migration(migrations.Migration):
    dependencies = [('models', '0065_peer_supplement_wanted')]

    initial = False

    operations = [
        ops.AddField(model_name='PeerAsk', name='fees', field=fields.JSONField(null=True)),
        ops.AddField(model_name='PeerAsk', name='fees_seq',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerAsk', name='funding', field=fields.JSONField(null=True)),
        ops.AddField(model_name='PeerAsk', name='funding_told',
                     field=fields.CharField(max_length=8, default="", db_default="")),
        ops.AddField(model_name='PeerAsk', name='funding_at',
                     field=fields.DatetimeField(null=True)),
        ops.AddField(model_name='PeerAsk', name='funding_tries',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerDraw', name='fees', field=fields.JSONField(null=True)),
        ops.AddField(model_name='PeerDraw', name='fees_seq',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerDraw', name='fees_at',
                     field=fields.DatetimeField(null=True)),
        ops.AddField(model_name='PeerDraw', name='fees_tries',
                     field=fields.IntField(default=0, db_default=0)),
        ops.RunPython(restore_sqlite_indexes),
    ]
