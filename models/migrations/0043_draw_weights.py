"""The weighting of a draw by credit level (阶梯抽取概率, off by default) in the library's draw
policy, and the weights each condition's pools were committed with. Plain ADD COLUMNs, with
database defaults or nullable: no table is rebuilt. (Made after 0041_dishonesty; the main
line's 0042 goes before it at merge.)"""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0042_payouts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Condition',
            name='alt_pool_weights',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Condition',
            name='pool_weights',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Condition',
            name='weighting',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='DrawPolicy',
            name='weight_a',
            field=fields.IntField(default=4, db_default=4),
        ),
        ops.AddField(
            model_name='DrawPolicy',
            name='weight_b',
            field=fields.IntField(default=3, db_default=3),
        ),
        ops.AddField(
            model_name='DrawPolicy',
            name='weight_c',
            field=fields.IntField(default=2, db_default=2),
        ),
        ops.AddField(
            model_name='DrawPolicy',
            name='weight_d',
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.AddField(
            model_name='DrawPolicy',
            name='weighted',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
