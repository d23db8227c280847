"""A handler's link waits for the person's answer (GD-DRAW: "个人账户进入账户管理处理关联申请"):
its state and when it was answered, every existing grant accepted; an activity's chosen
trading centre (选择提交终端), none for those submitted before (plain ADD COLUMNs with
database defaults: no existing table is rebuilt)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0054_activity_info')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DrawActivity',
            name='terminal',
            field=fields.CharField(default='', db_default='', max_length=12),
        ),
        ops.AddField(
            model_name='RoleGrant',
            name='answered_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='RoleGrant',
            name='link_state',
            field=fields.CharField(default='accepted', db_default='accepted', max_length=8),
        ),
    ops.RunPython(restore_sqlite_indexes),
    ]
