"""The electronic receipt (电子回单) of each fee paid by WeChat transfer: a new table."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class Migration(migrations.Migration):
    dependencies = [('models', '0071_fee_profiles')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PayoutReceipt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True,
                                          db_index=True)),
                ('payout_id', fields.BigIntField(unique=True)),
                ('state', fields.CharField(default='applied', max_length=10)),
                ('applied_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('checked_at', fields.DatetimeField(null=True, auto_now=False,
                                                    auto_now_add=False)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False,
                                                     auto_now_add=False)),
                ('sha256', fields.CharField(default='', max_length=64)),
                ('storage_key', fields.CharField(default='', max_length=128)),
                ('size', fields.IntField(default=0)),
                ('tries', fields.IntField(default=0)),
                ('problem', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'payout_receipt', 'app': 'models', 'pk_attr': 'id',
                     'table_description': 'The electronic receipt (电子回单) of a fee paid by '
                     'WeChat transfer: applied for once the'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
