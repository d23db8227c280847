"""Each expert's close relatives confirmed or declared anew once a year: the moment kept on
the expert's record (services/people/relatives_yearly.py)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0089_lent_proposals')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ExpertProfile',
            name='relatives_confirmed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
