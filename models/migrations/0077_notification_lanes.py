from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0076_evaluation_systems')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Notification',
            name=None,
            fields=['status', 'next_attempt_at'],
        ),
        ops.AddField(
            model_name='Notification',
            name='lane',
            field=fields.SmallIntField(default=0, db_default=0),
        ),
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['status', 'lane', 'next_attempt_at']),
        ),
    ]
