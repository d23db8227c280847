"""The committee an activity draws for (评标委员会 / 评审小组): its size, the tenderer's or
the purchaser's representatives, and the cases ticked that raise its least size. An activity
made before has none recorded (null) and is not refused for it."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0082_evaluation_system_key_date')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DrawActivity',
            name='committee_size',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='representatives',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='committee_cases',
            field=fields.JSONField(null=True),
        ),
    ]
