"""The SMS provider's id for a message, to apply its delivery report."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0014_foreign_key_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notification',
            name='sms_id',
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
