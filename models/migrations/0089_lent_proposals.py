"""A lent expert's confirmed score proposals, sent home: kept by the asking library with the
evaluation's changes, and received and written by the lending library."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0088_sm2_system_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PeerAsk',
            name='proposals',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='PeerDraw',
            name='proposals',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='PeerDraw',
            name='proposals_done',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
