"""E-invoices issued through the provider, e-mailed and reversed."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.money.payments import FapiaoState
from tortoise.fields.base import OnDelete
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0029_virtual_calls')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EInvoice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payable', fields.OneToOneField('models.Payable', source_field='payable_id', db_constraint=True, to_field='id', related_name='einvoice', on_delete=OnDelete.RESTRICT)),
                ('apply_id', fields.CharField(unique=True, max_length=32)),
                ('fapiao_id', fields.CharField(unique=True, max_length=32)),
                ('state', fields.CharField(default=FapiaoState.ISSUING, db_index=True, max_length=12)),
                ('number', fields.CharField(null=True, max_length=20)),
                ('code', fields.CharField(null=True, max_length=12)),
                ('issued_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('file_key', fields.CharField(null=True, max_length=128)),
                ('file_type', fields.CharField(null=True, max_length=4)),
                ('emailed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('emailed_to', fields.CharField(null=True, max_length=128)),
                ('told_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('error', fields.CharField(null=True, max_length=200)),
                ('red_number', fields.CharField(null=True, max_length=20)),
                ('reverse_reason', fields.CharField(null=True, max_length=32)),
                ('reversed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('red_file_key', fields.CharField(null=True, max_length=128)),
                ('checks', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'einvoice', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The e-invoice (电子发票) of one paid fee, issued through the provider: its number, its'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
