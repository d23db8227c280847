"""WeChat's privacy events (WX-MP-PRIVACY) as the service applied them, the centres' venues
with their identity-check setting, and the identity checks made at check-in: new tables."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0057_notice_and_accounts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WeChatPrivacyEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=64)),
                ('person_id', fields.BigIntField(null=True, db_index=True)),
                ('channel', fields.CharField(default='mp', max_length=2)),
                ('event', fields.CharField(max_length=40)),
                ('scopes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('applied_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'wechat_privacy_event', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A privacy event WeChat pushed about one of our users (WX-MP-PRIVACY 授权用户信息变更:'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdentityCheck',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('invitation_id', fields.BigIntField(db_index=True)),
                ('person_id', fields.BigIntField(db_index=True)),
                ('method', fields.CharField(max_length=8)),
                ('passed', fields.BooleanField()),
                ('failure', fields.CharField(default='', max_length=16)),
                ('checked_by', fields.BigIntField(null=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'identity_check', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One identity check at check-in: its result and the way it was made, nothing else —'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Venue',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=64)),
                ('region', fields.CharField(max_length=6)),
                ('identity_check', fields.BooleanField(default=False)),
                ('updated_by', fields.BigIntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'venue', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A trading centre\'s venue as notices name it (GD-DRAW: "评标场所：请选择通知专家集合的'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
