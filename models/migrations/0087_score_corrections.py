"""Score corrections before the evaluation report is signed (GPL-87-64): each kept beside
the first table; the moment the report was signed; the agency's requests that the committee
re-check its scores, and their delivery to the evaluation system."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0086_objections')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ScoreCorrection',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('system_id', fields.BigIntField()),
                ('correction_id', fields.CharField(max_length=40)),
                ('case', fields.CharField(max_length=20)),
                ('reason', fields.CharField(max_length=500)),
                ('body_hash', fields.CharField(max_length=64)),
                ('scores', fields.JSONField(default=dict)),
                ('changes', fields.JSONField(default=dict)),
                ('changed', fields.IntField()),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'evaluation_score_correction', 'app': 'models', 'unique_together': (('activity_id', 'correction_id'),), 'pk_attr': 'id', 'table_description': 'A corrected score table the evaluation system sent before the report was signed'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScoreReview',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('system_id', fields.BigIntField()),
                ('number', fields.IntField()),
                ('items', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.CharField(max_length=200)),
                ('asked_by', fields.BigIntField()),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('acked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('tries', fields.IntField(default=0)),
                ('next_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'evaluation_score_review', 'app': 'models', 'unique_together': (('activity_id', 'number'),), 'pk_attr': 'id', 'table_description': "The agency's request that the committee re-check what stood out before it signs its"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ScoreTable',
            name='signed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
