"""Score corrections before the evaluation report is signed (GPL-87-64): each kept
beside the first table, and the moment the report was signed."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0083_committee_composition')]

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
        ops.AddField(
            model_name='ScoreTable',
            name='signed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
