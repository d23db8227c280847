"""Sanctions on experts and their appeals, the library's draw caps, a project's supervising
department and the department an expert declares. New tables and plain ADD COLUMNs with
database defaults: no table is rebuilt."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0038_performance')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DrawPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('expert_cap', fields.IntField(null=True)),
                ('expert_months', fields.IntField(default=12)),
                ('tenderer_cap', fields.IntField(null=True)),
                ('tenderer_months', fields.IntField(default=12)),
                ('updated_by', fields.BigIntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'draw_policy', 'app': 'models', 'pk_attr': 'id', 'table_description': "The library's caps, one row (id 1), a cap of None being off. Counted over the months"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Sanction',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('expert_id', fields.BigIntField(db_index=True)),
                ('kind', fields.CharField(max_length=12)),
                ('conduct', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reason', fields.CharField(max_length=300)),
                ('decided_on', fields.DateField()),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField(null=True)),
                ('decided_by', fields.BigIntField()),
                ('appeal', fields.CharField(default='', max_length=500)),
                ('appealed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharField(default='', max_length=8)),
                ('ruling', fields.CharField(default='', max_length=300)),
                ('ruled_by', fields.BigIntField(null=True)),
                ('ruled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'expert_sanction', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One decision on one expert. A suspension runs from `starts_on` to `ends_on`'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ExpertProfile',
            name='dept_credit_code',
            field=fields.CharField(default='', db_default='', max_length=18),
        ),
        ops.AddField(
            model_name='ExpertProfile',
            name='dept_name',
            field=fields.CharField(default='', db_default='', max_length=128),
        ),
        ops.AddField(
            model_name='Project',
            name='supervisor_credit_code',
            field=fields.CharField(default='', db_default='', max_length=18),
        ),
        ops.AddField(
            model_name='Project',
            name='supervisor_name',
            field=fields.CharField(default='', db_default='', max_length=128),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
