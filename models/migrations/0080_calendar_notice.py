"""The national calendar read from the package `chinesecalendar`, or from a State Council
notice the administrator enters (its number, date and days); the calendar table keeps only
the centre's own changes, each with why. The 2026 days migration 0045 seeded (no one changed
them: the package has the same) are removed."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


async def _forget_seeded(apps: Any, schema_editor: Any) -> None:
    await schema_editor._run_sql('DELETE FROM calendar_day WHERE changed_by IS NULL')

class Migration(migrations.Migration):
    dependencies = [('models', '0079_help_question_ranked_by')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarNotice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.SmallIntField(unique=True)),
                ('document', fields.CharField(max_length=64)),
                ('issued_on', fields.DateField()),
                ('days', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('imported_by', fields.BigIntField()),
                ('imported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_notice', 'app': 'models', 'pk_attr': 'id', 'table_description': "A year's national calendar as the State Council's notice (国务院办公厅关于…年部分节假日"},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='CalendarDay',
            options={'table': 'calendar_day', 'app': 'models', 'pk_attr': 'id', 'table_description': "A change of the centre's own to the national calendar (services/reference/holidays.py):"},
        ),
        ops.AddField(
            model_name='CalendarDay',
            name='reason',
            field=fields.CharField(default='', db_default='', max_length=100),
        ),
        ops.RunPython(_forget_seeded),
        ops.RunPython(restore_sqlite_indexes),
    ]
