"""Transfers to experts reconciled against WeChat Pay's fund-flow bill: a run per China day and
its differences, beside the trade bill's bill_run / bill_mismatch. New tables only."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0051_project_number_optional')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TransferBillRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bill_date', fields.DateField(unique=True)),
                ('ran_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(max_length=16)),
                ('bill_rows', fields.IntField(default=0)),
                ('our_paid', fields.IntField(default=0)),
                ('mismatch_count', fields.IntField(default=0)),
                ('note', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'transfer_bill_run', 'app': 'models', 'pk_attr': 'id', 'table_description': "The last reconciliation of one China day's transfers to experts (商家转账) against"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TransferBillMismatch',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('models.TransferBillRun', source_field='run_id', db_index=True, db_constraint=True, to_field='id', related_name='mismatches', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('out_bill_no', fields.CharField(max_length=32)),
                ('transfer_bill_no', fields.CharField(null=True, max_length=64)),
                ('our_fen', fields.IntField(null=True)),
                ('their_fen', fields.IntField(null=True)),
                ('our_state', fields.CharField(null=True, max_length=16)),
                ('note', fields.CharField(null=True, max_length=128)),
            ],
            options={'table': 'transfer_bill_mismatch', 'app': 'models', 'pk_attr': 'id', 'table_description': "One difference between the fund-flow bill's transfer lines and our transfers (kinds:"},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
