"""The specialty catalogue as versioned data: conditions on any level (longer codes), and
the version an application or a condition was made with."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0024_wider_regions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CatalogueVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('filename', fields.CharField(null=True, max_length=128)),
                ('items', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('item_count', fields.IntField()),
                ('current', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.BigIntField(null=True)),
            ],
            options={'table': 'catalogue_version', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One version of the evaluation-specialty catalogue a province loaded (its items as'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Application',
            name='catalogue_version',
            field=fields.IntField(null=True),
        ),
        ops.AlterField(
            model_name='Condition',
            name='alternate_specialty',
            field=fields.CharField(null=True, max_length=16),
        ),
        ops.AlterField(
            model_name='Condition',
            name='main_specialty',
            field=fields.CharField(max_length=16),
        ),
        ops.AddField(
            model_name='Condition',
            name='catalogue_version',
            field=fields.IntField(null=True),
        ),
        ops.AlterField(
            model_name='ExpertSpecialty',
            name='code',
            field=fields.CharField(db_index=True, max_length=16),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
