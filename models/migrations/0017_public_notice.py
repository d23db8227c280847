"""An exam-less batch (JL-GP, Jilin): after the last review a public notice (公示) of
`notice_days`, objections recorded and ruled on, then a formal expert."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0016_invitation_answered_via')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Batch',
            name='exam_required',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='Batch',
            name='notice_days',
            field=fields.IntField(default=5),
        ),
        ops.AddField(
            model_name='Application',
            name='notice_until',
            field=fields.DatetimeField(null=True, db_index=True),
        ),
        ops.AddField(
            model_name='Application',
            name='objection',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Application',
            name='objection_ruling',
            field=fields.CharField(null=True, max_length=12),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
