"""Remote evaluation with a 主场 and 副场 (FG-807): a notice's role, and how the fee standard
pays a 副场's experts."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0058_identity_checks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notice',
            name='role',
            field=fields.CharField(default='main', db_default='main', max_length=12),
        ),
        ops.AddField(
            model_name='FeeStandard',
            name='secondary_rule',
            field=fields.CharField(default='higher', db_default='higher', max_length=8),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
