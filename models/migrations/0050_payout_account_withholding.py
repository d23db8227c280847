"""A fee paid into the expert's bank account has its tax withheld as a WeChat transfer has
(TAX-61 Art. 8): the row keeps the fee (gross), its taxable amount, rate and tax; the
amount transferred stays `amount_fen` (the net). A row made before withholding reads gross
= its amount and no tax. Plain ADD COLUMNs with database defaults and one UPDATE."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0049_invoice_title')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PayoutAccount',
            name='gross_fen',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='PayoutAccount',
            name='tax_fen',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='PayoutAccount',
            name='tax_rate',
            field=fields.SmallIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='PayoutAccount',
            name='taxable_fen',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.RunSQL(
            'UPDATE "payout_account" SET "gross_fen" = "amount_fen" WHERE "gross_fen" = 0',
            reverse_sql='SELECT 1'),
        ops.RunPython(restore_sqlite_indexes),
    ]
