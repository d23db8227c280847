"""A course's test through the exam engine: an exam belongs to a batch or to a
course, essays are marked by an administrator, and a course test is taken again after 补学
(one attempt per round)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from typing import Any
from json import dumps, loads
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

OLD_UNIQUE = "uid_exam_attemp_exam_id_54f3c9"  # the name tortoise gives (exam, person_id)


async def name_sqlite_unique(apps: object, editor: Any) -> None:
    """SQLite's tables were made with their own index names: give the old unique index the
    name RemoveConstraint drops (PostgreSQL has it already)."""
    if editor.client.capabilities.dialect != "sqlite":
        return
    await editor.client.execute_script(
        'DROP INDEX IF EXISTS "uid_exam_attempt_exam_id_person_id";'
        f'CREATE UNIQUE INDEX IF NOT EXISTS "{OLD_UNIQUE}" ON "exam_attempt" '
        '("exam_id", "person_id");')


class Migration(migrations.Migration):
    dependencies = [('models', '0019_lessons')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Exam',
            name='batch_id',
            field=fields.BigIntField(null=True, db_index=True),
        ),
        ops.AddField(
            model_name='Exam',
            name='course_id',
            field=fields.BigIntField(null=True, unique=True),
        ),
        ops.RunPython(name_sqlite_unique),
        ops.RemoveConstraint(
            model_name='ExamAttempt',
            name=None,
            fields=['exam', 'person_id'],
        ),
        ops.AddField(
            model_name='ExamAttempt',
            name='essay_points',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='ExamAttempt',
            name='marked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ExamAttempt',
            name='marked_by',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='ExamAttempt',
            name='round',
            field=fields.IntField(default=0),
        ),
        ops.AddConstraint(
            model_name='ExamAttempt',
            constraint=UniqueConstraint(fields=('exam', 'person_id', 'round'), name=None),
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
