"""Administrative divisions in the database (GB/T 2260), loaded by `expertbot migrate` when
empty and updated by `expertbot import-regions`."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0022_withdrawal_start')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Region',
            fields=[
                ('code', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=6)),
                ('name', fields.CharField(max_length=32)),
                ('parent', fields.CharField(null=True, max_length=4)),
                ('level', fields.SmallIntField()),
                ('retired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'region', 'app': 'models', 'pk_attr': 'code', 'table_description': 'A province (code of 2 digits), city (4) or county (6). A code that disappears from a'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
