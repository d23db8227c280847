from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_draw_finish')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Feedback',
            name='answer',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Feedback',
            name='answered_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Feedback',
            name='answered_by',
            field=fields.CharField(null=True, max_length=32),
        ),
    ]
