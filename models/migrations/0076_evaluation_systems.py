from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0075_emergency_experts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CommitteeWatch',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('system_id', fields.BigIntField(db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('digest', fields.CharField(max_length=64)),
                ('seq', fields.IntField(default=1)),
                ('acked', fields.IntField(default=1)),
                ('tries', fields.IntField(default=0)),
                ('next_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=200)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'evaluation_watch', 'app': 'models', 'unique_together': (('system_id', 'activity_id'),), 'pk_attr': 'id', 'table_description': 'A committee an evaluation system has read: its changes are pushed to the system, the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EvaluationBidders',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(unique=True)),
                ('system_id', fields.BigIntField()),
                ('bidders', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('declared_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'evaluation_bidders', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The bidders of an evaluation as its system declared them (at most one list, replaced'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EvaluationSystem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('name', fields.CharField(max_length=64)),
                ('centres', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('public_key', fields.CharField(max_length=64)),
                ('url', fields.CharField(default='', max_length=200)),
                ('active', fields.BooleanField(default=True)),
                ('registered_by', fields.BigIntField()),
                ('registered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('changed_by', fields.BigIntField(null=True)),
                ('changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'evaluation_system', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecordProposal',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('invitation_id', fields.BigIntField()),
                ('expert_id', fields.BigIntField(db_index=True)),
                ('person_id', fields.BigIntField(db_index=True)),
                ('kind', fields.CharField(max_length=12)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('system_id', fields.BigIntField(null=True)),
                ('event_id', fields.CharField(null=True, max_length=40)),
                ('status', fields.CharField(default='proposed', max_length=12)),
                ('mark', fields.CharField(default='', max_length=32)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('decided_by', fields.BigIntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'evaluation_proposal', 'app': 'models', 'unique_together': (('system_id', 'event_id'),), 'indexes': [Index(fields=['created_at', 'id'])], 'pk_attr': 'id', 'table_description': "A proposal on an expert's performance record for one evaluation: what stood out and"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScoreObservation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('agency_id', fields.BigIntField()),
                ('expert_id', fields.BigIntField(db_index=True)),
                ('bidder', fields.CharField(max_length=40)),
                ('percent', fields.DecimalField(max_digits=6, decimal_places=1)),
                ('ranked_first', fields.BooleanField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'evaluation_observation', 'app': 'models', 'unique_together': (('activity_id', 'expert_id', 'bidder'),), 'pk_attr': 'id', 'table_description': 'What the analysis keeps of a score table beyond it, per expert and bidder: the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScoreTable',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(unique=True)),
                ('system_id', fields.BigIntField()),
                ('table_id', fields.CharField(max_length=40)),
                ('body_hash', fields.CharField(max_length=64)),
                ('criteria', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('scores', fields.JSONField(default=dict)),
                ('experts', fields.IntField()),
                ('bidders', fields.IntField()),
                ('threshold', fields.CharField(max_length=8)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'evaluation_score_table', 'app': 'models', 'pk_attr': 'id', 'table_description': "One evaluation's score table, kept once: the scores sealed (SM4-GCM)."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='PerformanceSettings',
            name='deviation_percent',
            field=fields.DecimalField(default=5, max_digits=4, decimal_places=1),
        ),
        ops.AddField(
            model_name='PerformanceSettings',
            name='leaning_sample',
            field=fields.IntField(default=5),
        ),
    ]
