"""The agency's funding of an activity's experts' fees paid from the centre's merchant
account, and finance's approval of the sheet before any transfer. A new table only."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0047_payout_withholding')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeeFunding',
            fields=[
                ('activity_id', fields.BigIntField(primary_key=True, unique=True, db_index=True)),
                ('state', fields.CharField(default='submitted', db_index=True, max_length=16)),
                ('amounts', fields.JSONField(default=dict)),
                ('total_fen', fields.IntField()),
                ('reference', fields.CharField(max_length=64)),
                ('submitted_by', fields.BigIntField()),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_by', fields.BigIntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('returned_reason', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'fee_funding', 'app': 'models', 'pk_attr': 'activity_id', 'table_description': 'The agency\'s funding of one activity\'s experts\' fees paid from the centre\'s merchant'},
            bases=['Model'],
        ),
    ops.RunPython(restore_sqlite_indexes),
    ]
