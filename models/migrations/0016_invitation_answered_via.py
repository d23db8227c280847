"""Which way an expert answered an invitation: chat, mini-program, SMS, link or voice
(the agency sees per invitation which channel answered)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0015_notification_sms_id')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Invitation',
            name='answered_via',
            field=fields.CharField(null=True, max_length=12),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
