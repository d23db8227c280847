"""Absence is part of the record: a performance record may be an absent expert's (the
registered 缺席 / 请假 / 现场回避), the credit rule's points for a registered 缺席 and 请假, and
the holiday calendar the records' deadline counts working days by, seeded with the national
one for 2026 (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04). Plain ADD COLUMNs with
database defaults or nullable, and one new table: no existing table is rebuilt."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

# (first day, last day, off, name): the notice's own dates, 放假 (off) and 上班 (调休)
NATIONAL_2026 = [
    ('2026-01-01', '2026-01-03', True, '元旦'),
    ('2026-01-04', '2026-01-04', False, '元旦调休上班'),
    ('2026-02-14', '2026-02-14', False, '春节调休上班'),
    ('2026-02-15', '2026-02-23', True, '春节'),
    ('2026-02-28', '2026-02-28', False, '春节调休上班'),
    ('2026-04-04', '2026-04-06', True, '清明节'),
    ('2026-05-01', '2026-05-05', True, '劳动节'),
    ('2026-05-09', '2026-05-09', False, '劳动节调休上班'),
    ('2026-06-19', '2026-06-21', True, '端午节'),
    ('2026-09-20', '2026-09-20', False, '国庆节调休上班'),
    ('2026-09-25', '2026-09-27', True, '中秋节'),
    ('2026-10-01', '2026-10-07', True, '国庆节'),
    ('2026-10-10', '2026-10-10', False, '国庆节调休上班'),
]


async def _seed(apps: Any, schema_editor: Any) -> None:
    # constants of this file only: no value comes from outside
    from datetime import date, timedelta
    for first, last, off, name in NATIONAL_2026:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            await schema_editor._run_sql(
                'INSERT INTO calendar_day (day, off, name) '
                f"VALUES ('{day.isoformat()}', {'TRUE' if off else 'FALSE'}, '{name}')")  # nosec B608
            day += timedelta(days=1)


class Migration(migrations.Migration):
    dependencies = [('models', '0044_list_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField(unique=True)),
                ('off', fields.BooleanField()),
                ('name', fields.CharField(default='', max_length=32)),
                ('changed_by', fields.BigIntField(null=True)),
                ('changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_day', 'app': 'models', 'pk_attr': 'id', 'table_description': "A day the holiday calendar the administrator keeps sets apart from the week's rule"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CreditRule',
            name='absence_points',
            field=fields.IntField(default=20, db_default=20),
        ),
        ops.AddField(
            model_name='CreditRule',
            name='leave_points',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='PerformanceRecord',
            name='absence',
            field=fields.CharField(null=True, max_length=8),
        ),
        ops.RunPython(_seed),
        ops.RunPython(restore_sqlite_indexes),
    ]
