"""An index on an activity's original (its 补抽's and 复评's `parent_id`): an expert's reply
reads the committee (the evaluation and its 补抽) through it, instead of every activity
ever drawn."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [('models', '0077_notification_lanes')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='DrawActivity',
            index=Index(fields=['parent_id']),
        ),
    ]
