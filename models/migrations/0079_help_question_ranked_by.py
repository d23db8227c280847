"""What ranked the 智能客服's answer to a question (词语匹配, 本地语义模型, 省级模型服务), kept
with the question for the administrator's list."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('models', '0078_committee_index')]

    initial = False

    operations = [
        ops.AddField(
            model_name='HelpQuestion',
            name='ranked_by',
            field=fields.CharField(default='lexical', max_length=16),
        ),
    ]
