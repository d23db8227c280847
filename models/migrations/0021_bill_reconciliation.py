"""Daily reconciliation against WeChat Pay's trade bill: one run per China day,
replaced when the day is reconciled again, and the differences it found."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0020_course_tests')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BillRun',
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
            options={'table': 'bill_run', 'app': 'models', 'pk_attr': 'id', 'table_description': "The last reconciliation of one China day's payments."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BillMismatch',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('models.BillRun', source_field='run_id', db_index=True, db_constraint=True, to_field='id', related_name='mismatches', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('out_trade_no', fields.CharField(max_length=32)),
                ('transaction_id', fields.CharField(null=True, max_length=32)),
                ('our_fen', fields.IntField(null=True)),
                ('their_fen', fields.IntField(null=True)),
                ('our_status', fields.CharField(null=True, max_length=12)),
                ('note', fields.CharField(null=True, max_length=128)),
            ],
            options={'table': 'bill_mismatch', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One difference between the bill and our orders.'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
