"""A fee standard's profile (how its amounts apply: hourly, or 粤财采购〔2020〕17号's tiers)
and the tiers' amounts; every standard published before is hourly."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0070_involvement_sealed')]

    initial = False

    operations = [
        ops.AddField(model_name='FeeStandard', name='profile',
                     field=fields.CharField(max_length=12, default="hourly",
                                            db_default="hourly")),
        ops.AddField(model_name='FeeStandard', name='late_after_hours',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='FeeStandard', name='late_hour_fen',
                     field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name='FeeStandard', name='next_day_hour_fen',
                     field=fields.IntField(default=0, db_default=0)),
    ]
