"""Indexes on the foreign keys the hot paths filter by (PostgreSQL does not index a foreign key
by itself): every signed-in request looked its roles up with a scan of role_grant. On SQLite,
AlterField remakes each table without its separate indexes: they are all put back from the
migration state (models/orm/sqlite_indexes.py), unique_together included."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0013_feedback_answers')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Application',
            name='batch',
            field=fields.ForeignKeyField('models.Batch', source_field='batch_id', db_index=True, db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT),
        ),
        ops.AlterField(
            model_name='Attachment',
            name='application',
            field=fields.ForeignKeyField('models.Application', source_field='application_id', db_index=True, db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Avoidance',
            name='activity',
            field=fields.ForeignKeyField('models.DrawActivity', source_field='activity_id', db_index=True, db_constraint=True, to_field='id', related_name='avoidances', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Condition',
            name='activity',
            field=fields.ForeignKeyField('models.DrawActivity', source_field='activity_id', db_index=True, db_constraint=True, to_field='id', related_name='conditions', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Condition',
            name='notice',
            field=fields.ForeignKeyField('models.Notice', source_field='notice_id', db_index=True, db_constraint=True, to_field='id', related_name='conditions', on_delete=OnDelete.RESTRICT),
        ),
        ops.AlterField(
            model_name='DrawActivity',
            name='project',
            field=fields.ForeignKeyField('models.Project', source_field='project_id', db_index=True, db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.RESTRICT),
        ),
        ops.AlterField(
            model_name='ExamAttempt',
            name='person_id',
            field=fields.BigIntField(db_index=True),
        ),
        ops.AlterField(
            model_name='ExpertAvoidUnit',
            name='expert',
            field=fields.ForeignKeyField('models.ExpertProfile', source_field='expert_id', db_index=True, db_constraint=True, to_field='id', related_name='avoid_units', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Feedback',
            name='identity',
            field=fields.ForeignKeyField('models.WeChatIdentity', source_field='identity_id', db_index=True, db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Invitation',
            name='condition',
            field=fields.ForeignKeyField('models.Condition', source_field='condition_id', db_index=True, db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Notice',
            name='activity',
            field=fields.ForeignKeyField('models.DrawActivity', source_field='activity_id', db_index=True, db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='PayOrder',
            name='payable',
            field=fields.ForeignKeyField('models.Payable', source_field='payable_id', db_index=True, db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT),
        ),
        ops.AlterField(
            model_name='Payable',
            name='ref_id',
            field=fields.BigIntField(db_index=True),
        ),
        ops.AlterField(
            model_name='ReviewAction',
            name='application',
            field=fields.ForeignKeyField('models.Application', source_field='application_id', db_index=True, db_constraint=True, to_field='id', related_name='log', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='RoleGrant',
            name='agency',
            field=fields.ForeignKeyField('models.Agency', source_field='agency_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='RoleGrant',
            name='person',
            field=fields.ForeignKeyField('models.Person', source_field='person_id', db_index=True, db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Section',
            name='project',
            field=fields.ForeignKeyField('models.Project', source_field='project_id', db_index=True, db_constraint=True, to_field='id', related_name='sections', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='SkippedCandidate',
            name='condition',
            field=fields.ForeignKeyField('models.Condition', source_field='condition_id', db_index=True, db_constraint=True, to_field='id', related_name='skipped', on_delete=OnDelete.CASCADE),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
