"""A project without a number (GD-DRAW: "非进场项目如无编号则不需要填写"): the number becomes
nullable, a blank one stored as NULL, so two projects without one are not the same number
(the agency's unique (agency, number) still holds for numbers given). SQLite remakes the
table; its indexes are put back from the migration state."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0050_payout_account_withholding')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Project',
            name='number',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
