"""An invoice in a unit's name: a fee's invoice title (抬头) is the payer as a person (every
fee so far) or a unit with its unified social credit code (GB-32100), which WeChat Pay's
电子发票 takes as an ORGANIZATION buyer with its taxpayer_id. Plain ADD COLUMNs with a
database default or nullable: no existing table is rebuilt."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0048_fee_funding')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Payable',
            name='invoice_title',
            field=fields.CharField(max_length=8, default='person', db_default='person'),
        ),
        ops.AddField(
            model_name='Payable',
            name='invoice_unit_name',
            field=fields.CharField(max_length=100, null=True),
        ),
        ops.AddField(
            model_name='Payable',
            name='invoice_unit_code',
            field=fields.CharField(max_length=18, null=True),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
