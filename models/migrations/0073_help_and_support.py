from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.help import SupportState
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0072_payout_receipts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HelpEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=64)),
                ('kind', fields.CharField(max_length=8)),
                ('process', fields.CharField(max_length=16)),
                ('audiences', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('title', fields.CharField(max_length=100)),
                ('keywords', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('similar', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('body', fields.TextField(unique=False)),
                ('version', fields.IntField(default=1)),
                ('retired', fields.BooleanField(default=False)),
                ('edited_by', fields.BigIntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'help_entry', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One entry of the knowledge base as it reads now.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HelpEntryVersion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(db_index=True, max_length=64)),
                ('version', fields.IntField()),
                ('title', fields.CharField(max_length=100)),
                ('audiences', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('keywords', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('similar', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('body', fields.TextField(unique=False)),
                ('retired', fields.BooleanField(default=False)),
                ('edited_by', fields.BigIntField(null=True)),
                ('edited_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'help_entry_version', 'app': 'models', 'unique_together': (('key', 'version'),), 'pk_attr': 'id', 'table_description': 'One version of an entry: what it said, who made it and why.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HelpQuestion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('openid', fields.CharField(db_index=True, max_length=64)),
                ('person_id', fields.BigIntField(null=True)),
                ('question', fields.CharField(max_length=200)),
                ('answered_key', fields.CharField(default='', max_length=64)),
                ('asked_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'help_question', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A question the 智能客服 was asked, masked, and the entry that answered it (if any).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupportMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket_id', fields.BigIntField(db_index=True)),
                ('from_staff', fields.BooleanField(default=False)),
                ('staff_id', fields.BigIntField(null=True)),
                ('text', fields.TextField(unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'support_message', 'app': 'models', 'pk_attr': 'id', 'table_description': "One message of a 人工客服 conversation: the asker's (masked) or the staff's."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupportTicket',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('openid', fields.CharField(db_index=True, max_length=64)),
                ('person_id', fields.BigIntField(null=True)),
                ('roles', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharField(default=SupportState.QUEUED, db_index=True, max_length=10)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_by', fields.BigIntField(null=True)),
            ],
            options={'table': 'support_ticket', 'app': 'models', 'pk_attr': 'id', 'table_description': "A person's request for a human (人工客服), and the conversation that follows."},
            bases=['Model'],
        ),
    ]
