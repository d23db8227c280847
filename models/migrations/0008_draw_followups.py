from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_avoid_unit_name')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Condition',
            name='source_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='withdraw_reason',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='withdraw_requested_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Invitation',
            name='absence',
            field=fields.CharField(null=True, max_length=8),
        ),
        ops.AddField(
            model_name='Invitation',
            name='acknowledged_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Invitation',
            name='withdrawal_notices',
            field=fields.IntField(default=0),
        ),
    ]
