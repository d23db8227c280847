"""Objections anyone raises against one applicant in the 公示, each ruled on its own; the
objector's name and contact sealed at rest."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0085_safeguards_by_record')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Objection',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('application', fields.ForeignKeyField('models.Application', source_field='application_id', db_index=True, db_constraint=True, to_field='id', related_name='objections', on_delete=OnDelete.CASCADE)),
                ('name_enc', fields.CharField(max_length=255)),
                ('contact_enc', fields.CharField(max_length=512)),
                ('contact_kind', fields.CharField(max_length=8)),
                ('grounds', fields.TextField(unique=False)),
                ('evidence', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('raised_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ruling', fields.CharField(null=True, db_index=True, max_length=12)),
                ('ruling_note', fields.CharField(null=True, max_length=500)),
                ('ruled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ruled_by_id', fields.BigIntField(null=True)),
                ('ruled_by_name', fields.CharField(null=True, max_length=32)),
                ('told_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('tell_attempts', fields.IntField(default=0)),
                ('tell_error', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'objection', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An objection anyone raised against one applicant during the 公示.'},
            bases=['Model'],
        ),
    ]
