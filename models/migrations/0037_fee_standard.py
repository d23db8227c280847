"""The experts' fee standard (劳务费标准), versioned by effective date, and on each
invitation what the standard gave when the fee was recorded and the agency's reason for
another amount. A new table and two plain ADD COLUMNs: the invitation table is not
rebuilt."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0036_seed_sealed')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeeStandard',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('effective_from', fields.DateField(db_index=True)),
                ('base_hours', fields.IntField(default=3)),
                ('base_fen', fields.IntField()),
                ('hour_fen', fields.IntField()),
                ('part_hour_counts', fields.BooleanField(default=True)),
                ('daily_cap_fen', fields.IntField()),
                ('cancel_fen', fields.IntField()),
                ('travel_fen', fields.IntField()),
                ('meal_fen', fields.IntField()),
                ('notes', fields.CharField(default='', max_length=200)),
                ('published_by', fields.BigIntField()),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'fee_standard', 'app': 'models', 'pk_attr': 'id', 'table_description': "One published version of the standard, in the shape of the provinces' standards"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Invitation',
            name='fee_computed_fen',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Invitation',
            name='fee_reason',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
