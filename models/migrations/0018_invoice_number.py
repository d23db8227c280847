"""The invoice the finance staff issued for a paid fee (receipts that keep their
promise)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0017_public_notice')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Payable',
            name='invoice_no',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='Payable',
            name='invoiced_at',
            field=fields.DatetimeField(null=True),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
