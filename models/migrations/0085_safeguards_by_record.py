"""Safeguards keyed to facts, not spelling.

A notice picks the trading centre's venue by its record (draw_notice.venue_id), and the
identity check at check-in follows the record. A notice made before kept only the venue's
name as typed: it is linked here, once, to the registered venue of exactly that name (its
spaces trimmed); a notice whose name matches none stays a venue outside the centre
(docs/rules-that-are-ours.md, "A notice's venue is the centre's record").

A relation declared between two experts confirmed for one evaluation waits for the
administrator's confirmation before either place is released: a new table, kin_release."""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


async def _link_exact_names(apps: Any, schema_editor: Any) -> None:
    await schema_editor._run_sql(
        'UPDATE draw_notice SET venue_id = (SELECT w.id FROM venue w '
        'WHERE w.name = TRIM(draw_notice.venue)) WHERE venue_id IS NULL')


class Migration(migrations.Migration):
    dependencies = [('models', '0083_committee_composition')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notice',
            name='venue_id',
            field=fields.BigIntField(null=True, db_index=True),
        ),
        ops.RunPython(_link_exact_names),
        ops.CreateModel(
            name='KinRelease',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True,
                                          db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('invitation_ids', fields.JSONField()),
                ('declared_by', fields.BigIntField()),
                ('state', fields.CharField(default='pending', max_length=10)),
                ('declared_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_by', fields.BigIntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False,
                                                    auto_now_add=False)),
            ],
            options={'table': 'kin_release', 'app': 'models', 'pk_attr': 'id',
                     'table_description': 'Two (or more) experts confirmed for one evaluation '
                     'whom a relation declared since'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
