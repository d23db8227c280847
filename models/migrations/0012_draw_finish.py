from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_draw_venue')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DrawEvidence',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('purpose', fields.CharField(max_length=12)),
                ('filename', fields.CharField(max_length=128)),
                ('content_type', fields.CharField(max_length=32)),
                ('size', fields.IntField()),
                ('file_key', fields.CharField(max_length=128)),
                ('uploaded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'draw_evidence', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An attachment a request to the trading centre carries (GD-DRAW: "上传附件" with the'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='avoid_activity_ids',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='finished_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='nonce',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='submit_reason',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Invitation',
            name='acknowledged_by',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='Invitation',
            name='acknowledged_note',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='Invitation',
            name='fee_fen',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Invitation',
            name='fee_paid',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Invitation',
            name='fee_recorded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
