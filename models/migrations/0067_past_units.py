"""Experts' past employers with their dates (the application's 工作经历), read by the draw
within the administrator's window (3 years by default). A new table and a plain ADD COLUMN
with its default."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class Migration(migrations.Migration):
    dependencies = [('models', '0066_lent_fees')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ExpertPastUnit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True,
                                          db_index=True)),
                ('expert', fields.ForeignKeyField(
                    'models.ExpertProfile', source_field='expert_id', db_constraint=True,
                    to_field='id', related_name='past_units', on_delete=OnDelete.CASCADE,
                    db_index=True)),
                ('unit_name', fields.CharField(db_index=True, max_length=128)),
                ('credit_code', fields.CharField(null=True, db_index=True, max_length=18)),
                ('started_on', fields.DateField()),
                ('ended_on', fields.DateField(null=True)),
                ('position', fields.CharField(default='', max_length=64)),
                ('source', fields.CharField(default='application', max_length=16)),
            ],
            options={'table': 'expert_past_unit', 'app': 'models', 'pk_attr': 'id',
                     'table_description': "A unit the expert worked for, with its dates (the "
                     "application's 工作经历, kept current"},
            bases=['Model'],
        ),
        ops.AddField(model_name='DrawPolicy', name='past_unit_years',
                     field=fields.IntField(default=3, db_default=3)),
        ops.RunPython(restore_sqlite_indexes),
    ]
