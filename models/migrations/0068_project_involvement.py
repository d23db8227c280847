"""Who took part in a project's 前期规划、论证、设计、市场调研 (粤财规〔2025〕1号 Art. 21),
never drawn for it: a new table."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


class Migration(migrations.Migration):
    dependencies = [('models', '0067_past_units')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProjectInvolvement',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True,
                                          db_index=True)),
                ('project_id', fields.BigIntField(db_index=True)),
                ('kind', fields.CharField(max_length=8)),
                ('name', fields.CharField(max_length=128)),
                ('credit_code', fields.CharField(null=True, max_length=18)),
                ('id_hash', fields.CharField(null=True, max_length=64)),
                ('expert_id', fields.BigIntField(null=True)),
                ('stage', fields.CharField(max_length=8)),
                ('source', fields.CharField(default='agency', max_length=8)),
                ('created_by', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'draw_project_involvement', 'app': 'models', 'pk_attr': 'id',
                     'table_description': "A unit, a person or an expert that took part in a "
                     "project's 前期规划、论证、设计、市场调研"},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
