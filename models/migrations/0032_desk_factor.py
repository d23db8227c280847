"""A desk person's second factor: the TOTP secret, its last step, the recovery codes."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0031_audit_chain')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DeskFactor',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person_id', fields.BigIntField(unique=True)),
                ('secret_enc', fields.TextField(unique=False)),
                ('enrolled_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_step', fields.BigIntField(default=0)),
                ('recovery', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'desk_factor', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
