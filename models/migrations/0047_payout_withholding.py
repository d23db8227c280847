"""The tax withheld from an expert's fee (TAX-61 Art. 8): each transfer bill keeps the fee
(gross), its taxable amount, rate and tax; the amount transferred stays `amount_fen` (the
net). A bill made before withholding reads gross = its amount and no tax. Plain ADD COLUMNs
with database defaults and one UPDATE: no existing table is rebuilt."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0046_payout_accounts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Payout',
            name='gross_fen',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Payout',
            name='tax_fen',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Payout',
            name='tax_rate',
            field=fields.SmallIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Payout',
            name='taxable_fen',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.RunSQL(
            'UPDATE "payout" SET "gross_fen" = "amount_fen" WHERE "gross_fen" = 0',
            reverse_sql='SELECT 1'),
        ops.RunPython(restore_sqlite_indexes),
    ]
