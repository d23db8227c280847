"""The 智能客服 learns from its users: where a question was asked, its closest entry, its
有用 / 没用 and the token that gives it; the review items (帮助中心内容) and their steps;
and the number a callback asked for by SMS goes to."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0080_calendar_notice')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HelpReview',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.CharField(max_length=200)),
                ('words', fields.CharField(db_index=True, max_length=200)),
                ('reason', fields.CharField(max_length=8)),
                ('answered_key', fields.CharField(default='', max_length=64)),
                ('times', fields.IntField(default=1)),
                ('state', fields.CharField(default='open', db_index=True, max_length=10)),
                ('entry_key', fields.CharField(default='', max_length=64)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'help_review', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A question the administrator is asked to look at (帮助中心内容): answered and found 没用,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HelpReviewStep',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('review_id', fields.BigIntField(db_index=True)),
                ('state', fields.CharField(max_length=10)),
                ('entry_key', fields.CharField(default='', max_length=64)),
                ('by', fields.BigIntField(null=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'help_review_step', 'app': 'models', 'pk_attr': 'id', 'table_description': "One step of a review item's history: who did what, when."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='HelpQuestion',
            name='channel',
            field=fields.CharField(default='chat', db_default='chat', max_length=8),
        ),
        ops.AddField(
            model_name='HelpQuestion',
            name='feedback',
            field=fields.CharField(default='', db_default='', max_length=8),
        ),
        ops.AddField(
            model_name='HelpQuestion',
            name='feedback_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='HelpQuestion',
            name='token',
            field=fields.CharField(default='', db_default='', max_length=24),
        ),
        ops.AddField(
            model_name='HelpQuestion',
            name='top_key',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AlterModelOptions(
            name='Notice',
            options={'table': 'draw_notice', 'app': 'models', 'pk_attr': 'id', 'table_description': "The invitation's content (the seed's 语音通知): where and when experts gather; a"},
        ),
        ops.AddField(
            model_name='SupportTicket',
            name='callback_phone_enc',
            field=fields.TextField(default=''),
        ),
        ops.AddField(
            model_name='SupportTicket',
            name='callback_phone_masked',
            field=fields.CharField(default='', max_length=20),
        ),
        ops.AlterModelOptions(
            name='TransferBillMismatch',
            options={'table': 'transfer_bill_mismatch', 'app': 'models', 'pk_attr': 'id', 'table_description': "One difference between the fund-flow bill's transfer lines (or WeChat Pay's answers"},
        ),
    ]
