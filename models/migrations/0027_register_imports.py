"""Imports of an existing expert register: progress, counts and refused rows."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0026_work_units')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RegisterImport',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('filename', fields.CharField(max_length=128)),
                ('dry_run', fields.BooleanField(default=False)),
                ('status', fields.CharField(default='queued', max_length=12)),
                ('total', fields.IntField(default=0)),
                ('done', fields.IntField(default=0)),
                ('created', fields.IntField(default=0)),
                ('updated', fields.IntField(default=0)),
                ('refused', fields.IntField(default=0)),
                ('problems', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('file_key', fields.CharField(null=True, max_length=128)),
                ('started_by', fields.BigIntField(null=True)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'register_import', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One import of an existing expert register (or its dry run): its progress, counts and'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
