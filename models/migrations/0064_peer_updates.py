"""A shared draw's evaluation changed at the asking library (moved, its gathering time or its
副场's details corrected) is sent to the lending library as a numbered change until it
answers: what was last acknowledged and its number on the asking side, the last number
applied on the lending side; and the other way, the 副场's roster the lending library sends
(its experts' states, arrivals and check-outs), numbered the same way. Plain ADD COLUMNs
with defaults (this migration is not released yet: one step for both)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class Migration(migrations.Migration):
    dependencies = [('models', '0063_avoidance_sealed_id')]

    initial = False

    operations = [
        ops.AddField(model_name='PeerAsk', name='told',
                     field=fields.JSONField(null=True)),
        ops.AddField(model_name='PeerAsk', name='told_seq',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerAsk', name='update_at',
                     field=fields.DatetimeField(null=True)),
        ops.AddField(model_name='PeerAsk', name='update_tries',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerDraw', name='seq',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerAsk', name='roster_seq',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerDraw', name='roster',
                     field=fields.JSONField(null=True)),
        ops.AddField(model_name='PeerDraw', name='roster_seq',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='PeerDraw', name='roster_at',
                     field=fields.DatetimeField(null=True)),
        ops.AddField(model_name='PeerDraw', name='roster_tries',
                     field=fields.IntField(default=0, db_default=0)),
        ops.RunPython(restore_sqlite_indexes),
    ]
