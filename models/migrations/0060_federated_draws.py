"""Draws shared between two libraries: a condition served by another library's pool (the
asking side) and another library's request for experts drawn here (the answering side):
new tables."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0059_secondary_venues')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PeerAsk',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('condition_id', fields.BigIntField(unique=True)),
                ('peer_code', fields.CharField(max_length=16)),
                ('peer_name', fields.CharField(max_length=64)),
                ('request_id', fields.CharField(unique=True, max_length=40)),
                ('status', fields.CharField(default='planned', db_index=True, max_length=12)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('tries', fields.IntField(default=0)),
                ('next_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('experts', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('asked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'peer_ask', 'app': 'models', 'pk_attr': 'id', 'table_description': "One condition of this library's draw that another library draws from its pool."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PeerDraw',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('peer_code', fields.CharField(max_length=16)),
                ('peer_name', fields.CharField(max_length=64)),
                ('request_id', fields.CharField(max_length=40)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=12)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('specialty', fields.CharField(max_length=16)),
                ('region', fields.CharField(max_length=6)),
                ('count', fields.IntField()),
                ('request', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('activity_id', fields.BigIntField(null=True)),
                ('decided_by', fields.BigIntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered', fields.CharField(default='', max_length=24)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'peer_draw', 'app': 'models', 'unique_together': (('peer_code', 'request_id'),), 'pk_attr': 'id', 'table_description': "Another library's request for experts drawn from this library's pool."},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
