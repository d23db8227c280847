"""Calls through a middle number (virtual calls) and the re-evaluation by calls."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0028_audit_entries')]

    initial = False

    operations = [
        ops.CreateModel(
            name='VirtualCall',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('purpose', fields.CharField(max_length=12)),
                ('expert_id', fields.BigIntField()),
                ('person_id', fields.BigIntField()),
                ('invitation_id', fields.BigIntField(null=True)),
                ('condition_id', fields.BigIntField(null=True)),
                ('staff_id', fields.BigIntField()),
                ('staff_name', fields.CharField(max_length=32)),
                ('staff_phone', fields.CharField(max_length=16)),
                ('binding_id', fields.CharField(null=True, max_length=64)),
                ('middle_number', fields.CharField(null=True, max_length=20)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharField(default='bound', max_length=8)),
                ('released_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharField(null=True, max_length=12)),
                ('agreed_gather_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('note', fields.CharField(default='', max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'virtual_call', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One binding made for one expert by one member of staff, and what came of it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VirtualCallRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('call', fields.ForeignKeyField('models.VirtualCall', source_field='call_id', db_index=True, db_constraint=True, to_field='id', related_name='records', on_delete=OnDelete.CASCADE)),
                ('provider_call_id', fields.CharField(unique=True, max_length=64)),
                ('from_staff', fields.BooleanField()),
                ('dialled_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seconds', fields.IntField(default=0)),
                ('release_cause', fields.IntField(null=True)),
                ('recorded', fields.BooleanField(default=False)),
            ],
            options={'table': 'virtual_call_record', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One call made over a binding, as the provider reported it (never a phone number).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='by_calls',
            field=fields.BooleanField(default=False),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
