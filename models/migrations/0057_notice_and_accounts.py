"""The published 公示 (JL-GP: "经财政公示无异议后进入政府采购评审专家库"): each batch says where
the public raises an objection during the notice; and a migrated expert's old account
(XJ-CE: "登录账号为原注册时的【账号】"), kept as its keyed hash on the person to sign in by,
and whether an expert's profile came from the old system (XJ-CE's order of steps applies):
plain ADD COLUMNs with database defaults or NULL, no existing table is rebuilt."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0056_training')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Batch',
            name='objection_contact',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='Person',
            name='account_key',
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
        ops.AddField(
            model_name='ExpertProfile',
            name='migrated',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
