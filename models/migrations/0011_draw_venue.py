from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_birth_year')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DrawLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('role', fields.CharField(max_length=16)),
                ('actor_id', fields.BigIntField(null=True)),
                ('actor_name', fields.CharField(max_length=32)),
                ('action', fields.CharField(max_length=24)),
                ('reason', fields.CharField(null=True, max_length=200)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'draw_log', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One operation on a draw activity: who (their role and masked name), what, when and,'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='avoid_drawn',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='Invitation',
            name='last_manual_urge_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Invitation',
            name='manual_urges',
            field=fields.IntField(default=0),
        ),
    ]
