"""When the agency started the withdrawal notices (GD-DRAW: 退选申请审核通过后，可点击启动退选，
系统会自动给专家拨打电话并告知专家无需前往评标)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0021_bill_reconciliation')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DrawActivity',
            name='withdrawal_started_at',
            field=fields.DatetimeField(null=True),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
