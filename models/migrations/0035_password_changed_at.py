"""When a person's password was last set (desk passwords are changed periodically, GB/T
22239-2019 level 3 身份鉴别 a); NULL for rows from before: their creation time counts). A plain
ADD COLUMN: the person table is not rebuilt."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0034_retention_run')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Person',
            name='password_changed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
