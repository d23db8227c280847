"""An evaluation system's key dated: the day its operator said the key is to be replaced
(the system administrator's home page warns 30 and 7 days before), and who recorded it
when."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0081_help_feedback')]

    initial = False

    operations = [
        ops.AddField(
            model_name='EvaluationSystem',
            name='key_dated_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='EvaluationSystem',
            name='key_dated_by',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='EvaluationSystem',
            name='key_rotate_by',
            field=fields.DateField(null=True),
        ),
    ]
