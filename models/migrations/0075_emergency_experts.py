from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0074_identity_level')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ActivityUrgency',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(unique=True)),
                ('reason', fields.CharField(max_length=24)),
                ('note', fields.CharField(default='', max_length=100)),
                ('status', fields.CharField(default='asked', max_length=12)),
                ('asked_by', fields.BigIntField()),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('minutes', fields.IntField(null=True)),
                ('decided_by', fields.BigIntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'draw_urgency', 'app': 'models', 'pk_attr': 'id', 'table_description': "An activity's 应急 request: the agency's reason, the verifier's decision."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UrgentPool',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('condition_id', fields.BigIntField(unique=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('expert_ids', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('root', fields.CharField(max_length=64)),
                ('weights', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'draw_urgent_pool', 'app': 'models', 'pk_attr': 'id', 'table_description': "The emergency experts of a condition's main pool, committed at verification."},
            bases=['Model'],
        ),
    ]
