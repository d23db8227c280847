"""Another way to pay an expert's fee: the bank account an expert WeChat Pay cannot reach
gives on the page their SMS links to, and the payer's record of the transfer. A new table
only."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0045_absence_record')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PayoutAccount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('invitation_id', fields.BigIntField(unique=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('person_id', fields.BigIntField(db_index=True)),
                ('amount_fen', fields.IntField()),
                ('asked_by', fields.BigIntField()),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('holder', fields.CharField(default='', max_length=30)),
                ('bank', fields.CharField(default='', max_length=40)),
                ('number_enc', fields.TextField(default='', unique=False)),
                ('number_masked', fields.CharField(default='', max_length=24)),
                ('given_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paid_by', fields.BigIntField(null=True)),
                ('paid_ref', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'payout_account', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Another way to pay one expert\'s fee: a bank account the expert gives on the page'},
            bases=['Model'],
        ),
    ops.RunPython(restore_sqlite_indexes),
    ]
