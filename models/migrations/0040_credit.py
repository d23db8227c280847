"""Experts' credit: the administrator's rule and each expert's score and level as they
change. New tables only."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0039_sanctions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CreditRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('window_months', fields.IntField(default=36)),
                ('conduct_points', fields.IntField(default=10)),
                ('attendance_points', fields.IntField(default=2)),
                ('warning_points', fields.IntField(default=10)),
                ('suspension_points', fields.IntField(default=30)),
                ('level_a', fields.IntField(default=90)),
                ('level_b', fields.IntField(default=75)),
                ('level_c', fields.IntField(default=60)),
                ('updated_by', fields.BigIntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'credit_rule', 'app': 'models', 'pk_attr': 'id', 'table_description': "The administrator's credit rule, one row (id 1), none meaning the defaults: from the"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CreditScore',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('expert_id', fields.BigIntField(db_index=True)),
                ('score', fields.IntField()),
                ('level', fields.CharField(max_length=1)),
                ('records', fields.IntField(default=0)),
                ('sanctions', fields.IntField(default=0)),
                ('cause', fields.CharField(max_length=32)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'credit_score', 'app': 'models', 'pk_attr': 'id', 'table_description': "An expert's credit now, and each change of it (the history)."},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
