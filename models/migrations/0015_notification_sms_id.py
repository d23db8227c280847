"""The SMS provider's id for a message, to apply its delivery report (issue 18)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.schema_editor.base import BaseSchemaEditor

async def sqlite_index(apps: object, editor: BaseSchemaEditor) -> None:
    # AddField remakes a SQLite table without the new column's index
    if editor.client.capabilities.dialect == "sqlite":
        await editor.client.execute_script(
            'CREATE INDEX IF NOT EXISTS "idx_notification_sms_id" ON "notification" ("sms_id")')


class Migration(migrations.Migration):
    dependencies = [('models', '0014_foreign_key_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notification',
            name='sms_id',
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
        ops.RunPython(sqlite_index),
    ]
