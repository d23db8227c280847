"""Experts' fees paid through WeChat Pay's merchant transfer: the channel chosen per
activity and the transfer bills. New tables only."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0041_dishonesty')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeeChannelChoice',
            fields=[
                ('activity_id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('channel', fields.CharField(default='elsewhere', max_length=16)),
                ('chosen_by', fields.BigIntField()),
                ('chosen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'fee_channel_choice', 'app': 'models', 'pk_attr': 'activity_id', 'table_description': "How one activity's fees are paid (no row: elsewhere), and who chose it when."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payout',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('invitation_id', fields.BigIntField(db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('person_id', fields.BigIntField(db_index=True)),
                ('out_bill_no', fields.CharField(unique=True, max_length=32)),
                ('amount_fen', fields.IntField()),
                ('openid', fields.CharField(max_length=64)),
                ('state', fields.CharField(default='waiting', db_index=True, max_length=16)),
                ('wx_state', fields.CharField(default='', max_length=24)),
                ('transfer_bill_no', fields.CharField(default='', max_length=64)),
                ('package_info', fields.TextField(default='', unique=False)),
                ('fail_reason', fields.CharField(default='', max_length=64)),
                ('created_by', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payout', 'app': 'models', 'pk_attr': 'id', 'table_description': "One transfer of one expert's fee for one evaluation (a new one after a cancelled,"},
            bases=['Model'],
        ),
    ops.RunPython(restore_sqlite_indexes),
    ]
