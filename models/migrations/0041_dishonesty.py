"""The 失信被执行人 check: its flags for the administrator and its runs. New tables only."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0040_credit')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DishonestyFlag',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('expert_id', fields.BigIntField(db_index=True)),
                ('found_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('run_id', fields.BigIntField(null=True)),
                ('cases', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharField(default='open', db_index=True, max_length=8)),
                ('note', fields.CharField(default='', max_length=300)),
                ('handled_by', fields.BigIntField(null=True)),
                ('handled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'dishonesty_flag', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An expert found on the list of dishonest judgment debtors, with the cases.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DishonestyRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('trigger', fields.CharField(max_length=10)),
                ('expert_id', fields.BigIntField(null=True)),
                ('started_by', fields.BigIntField(null=True)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharField(default='running', db_index=True, max_length=8)),
                ('total', fields.IntField(default=0)),
                ('cursor', fields.BigIntField(default=0)),
                ('checked', fields.IntField(default=0)),
                ('found', fields.IntField(default=0)),
                ('flagged', fields.IntField(default=0)),
                ('failed', fields.IntField(default=0)),
            ],
            options={'table': 'dishonesty_run', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One run of the check, resumable: experts are taken in id order after `cursor`.'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
