"""The close relatives an expert declares, and the units where they hold posts (CK-198
Art. 16, GD-CG-1 Art. 21): a new table."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class Migration(migrations.Migration):
    dependencies = [('models', '0068_project_involvement')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ExpertRelative',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True,
                                          db_index=True)),
                ('expert_id', fields.BigIntField(db_index=True)),
                ('relation', fields.CharField(max_length=12)),
                ('name_masked', fields.CharField(max_length=32)),
                ('id_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_masked', fields.CharField(max_length=18)),
                ('unit_name', fields.CharField(default='', max_length=128)),
                ('credit_code', fields.CharField(null=True, max_length=18)),
                ('post', fields.CharField(default='', max_length=12)),
                ('declared_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False,
                                                      auto_now_add=False)),
            ],
            options={'table': 'expert_relative', 'app': 'models', 'pk_attr': 'id',
                     'table_description': 'A close relative the expert declared (CK-198 Art. 16 '
                     '(二), GPL-REG Art. 9 (四): 夫妻、'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
