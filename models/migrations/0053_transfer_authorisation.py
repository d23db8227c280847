"""An expert's 免确认收款授权 (WeChat Pay's authorised transfers, WX-PAY): a new table, and
on each transfer bill the authorisation it went under (a plain ADD COLUMN with a database
default: no existing table is rebuilt)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0052_transfer_reconcile')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TransferAuthorisation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person_id', fields.BigIntField(db_index=True)),
                ('openid', fields.CharField(max_length=64)),
                ('out_authorization_no', fields.CharField(unique=True, max_length=32)),
                ('authorization_id', fields.CharField(default='', max_length=64)),
                ('state', fields.CharField(default='waiting', db_index=True, max_length=16)),
                ('wx_state', fields.CharField(default='', max_length=24)),
                ('package_info', fields.TextField(default='', unique=False)),
                ('close_reason', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('granted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'transfer_authorisation', 'app': 'models', 'pk_attr': 'id', 'table_description': "An expert's 免确认收款授权 at WeChat Pay (WX-PAY): asked once, agreed in the"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Payout',
            name='authorisation_no',
            field=fields.CharField(default='', db_default='', max_length=32),
        ),
    ops.RunPython(restore_sqlite_indexes),
    ]
