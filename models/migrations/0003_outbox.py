from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.notifications import Status
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_people')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=64)),
                ('person_id', fields.BigIntField(null=True, db_index=True)),
                ('openid', fields.CharField(null=True, max_length=64)),
                ('params', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('dedupe_key', fields.CharField(null=True, unique=True, max_length=128)),
                ('status', fields.CharField(default=Status.QUEUED, max_length=12)),
                ('channel', fields.CharField(null=True, max_length=12)),
                ('ruled_out', fields.CharField(default='', max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claim_token', fields.CharField(null=True, db_index=True, max_length=32)),
                ('client_msg_id', fields.CharField(max_length=64)),
                ('wx_msgid', fields.BigIntField(null=True, db_index=True)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SubscribeConsent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('mp_openid', fields.CharField(max_length=64)),
                ('template_id', fields.CharField(max_length=64)),
                ('remaining', fields.IntField(default=0)),
            ],
            options={'table': 'subscribe_consent', 'app': 'models', 'unique_together': (('mp_openid', 'template_id'),), 'pk_attr': 'id', 'table_description': 'How many mini-program subscribe messages a user granted, per template.'},
            bases=['Model'],
        ),
    ]
