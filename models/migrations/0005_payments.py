from tortoise import migrations
from tortoise.migrations import operations as ops
from models.money.payments import OrderStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_lifecycle')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Payable',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person_id', fields.BigIntField(db_index=True)),
                ('kind', fields.CharField(max_length=16)),
                ('ref_id', fields.BigIntField()),
                ('title', fields.CharField(max_length=64)),
                ('amount_fen', fields.IntField()),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('order_no', fields.CharField(null=True, max_length=32)),
                ('invoice_email', fields.CharField(null=True, max_length=128)),
                ('invoice_requested_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payable', 'app': 'models', 'unique_together': (('kind', 'ref_id'),), 'pk_attr': 'id', 'table_description': 'A fee a person owes (应缴): created on first checkout, settled by one paid order.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayOrder',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('out_trade_no', fields.CharField(unique=True, max_length=32)),
                ('payable', fields.ForeignKeyField('models.Payable', source_field='payable_id', db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT)),
                ('trade_type', fields.CharField(max_length=8)),
                ('amount_fen', fields.IntField()),
                ('status', fields.CharField(default=OrderStatus.CREATING, db_index=True, max_length=12)),
                ('code_url', fields.CharField(null=True, max_length=128)),
                ('prepay_id', fields.CharField(null=True, max_length=64)),
                ('payer_openid', fields.CharField(null=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('transaction_id', fields.CharField(null=True, unique=True, max_length=32)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('settled_by', fields.CharField(null=True, max_length=12)),
                ('checked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'pay_order', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One attempt at paying a payable: a Native (QR) or JSAPI (in the mini-program) order.'},
            bases=['Model'],
        ),
    ]
