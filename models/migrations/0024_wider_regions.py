"""A residence may be a county (6 digits): JL-GP's experts choose 农安县."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0023_reference')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Application',
            name='region',
            field=fields.CharField(null=True, db_index=True, max_length=6),
        ),
        ops.AlterField(
            model_name='ExpertProfile',
            name='region',
            field=fields.CharField(db_index=True, max_length=6),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
