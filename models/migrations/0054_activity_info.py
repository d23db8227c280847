"""GD-DRAW's forms in full: an activity's name, announcement media, place of bid opening,
remarks and handler (经办人: name, and the phone and ID number sealed with their masked
display beside them); a project's 投资项目统一代码; a section's investment (标段投资额).
Plain ADD COLUMNs with database defaults: no existing table is rebuilt."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0053_transfer_authorisation')]

    initial = False

    operations = [
        ops.AddField(
            model_name='DrawActivity',
            name='bid_open_region',
            field=fields.CharField(default='', db_default='', max_length=6),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='handler_id_enc',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='handler_id_masked',
            field=fields.CharField(default='', db_default='', max_length=18),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='handler_name',
            field=fields.CharField(default='', db_default='', max_length=32),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='handler_phone_enc',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='handler_phone_masked',
            field=fields.CharField(default='', db_default='', max_length=11),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='media',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='name',
            field=fields.CharField(default='', db_default='', max_length=128),
        ),
        ops.AddField(
            model_name='DrawActivity',
            name='remarks',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='Project',
            name='investment_code',
            field=fields.CharField(default='', db_default='', max_length=32),
        ),
        ops.AddField(
            model_name='Section',
            name='investment_fen',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
