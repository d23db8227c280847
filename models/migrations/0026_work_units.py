"""The register of units (work units, avoidance units, agencies, tenderers)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0025_catalogue_versions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WorkUnit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('credit_code', fields.CharField(null=True, unique=True, max_length=18)),
                ('name', fields.CharField(db_index=True, max_length=128)),
                ('other_names', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('region', fields.CharField(null=True, max_length=6)),
                ('merged_into', fields.BigIntField(null=True, db_index=True)),
                ('source', fields.CharField(max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'work_unit', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A unit as people pick it (work unit, avoidance unit, agency, tenderer): one per'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
