from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0073_help_and_support')]

    initial = False

    operations = [
        ops.AddField(
            model_name='RoleGrant',
            name='identity_checked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='RoleGrant',
            name='identity_level',
            field=fields.SmallIntField(null=True),
        ),
    ]
