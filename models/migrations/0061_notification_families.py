"""A notice sent on several channel groups at once is one family of rows: a row that found
no channel of its group is not a failure when a sibling reached the person, and a notice
whose point is gone (answered, checked in, past its time) was skipped, not failed. Two plain
ADD COLUMNs; the rows already there get their families from their dedupe keys ("key",
"key#1", ...); a failed row whose family reached the person, or whose invitation was
answered, is covered; one not sent because its point was gone is skipped, not failed."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


async def _families(apps: Any, schema_editor: Any) -> None:
    # constants of this file only: no value comes from outside
    postgres = schema_editor.client.capabilities.dialect == "postgres"
    base = ("split_part(dedupe_key, '#', 1)" if postgres
            else "substr(dedupe_key, 1, instr(dedupe_key, '#') - 1)")
    await schema_editor._run_sql(
        f"UPDATE notification SET family = {base} WHERE dedupe_key LIKE '%#%'")  # nosec B608
    await schema_editor._run_sql(
        "UPDATE notification SET family = dedupe_key WHERE family IS NULL AND dedupe_key IN "
        "(SELECT family FROM notification WHERE family IS NOT NULL)")
    await schema_editor._run_sql(
        "UPDATE notification SET covered = TRUE WHERE status IN ('failed', 'dead') AND "
        "family IN (SELECT family FROM notification WHERE family IS NOT NULL "
        "AND status IN ('sent', 'delivered'))")
    await schema_editor._run_sql(
        "UPDATE notification SET status = 'skipped' WHERE status = 'failed' AND ("
        "last_error LIKE '%not sent: %' OR last_error LIKE '%expired at %' "
        "OR last_error LIKE '%not placed: %')")
    # an invitation answered reached its expert, whatever its rows say
    await schema_editor._run_sql(
        "UPDATE notification SET covered = TRUE WHERE status IN ('failed', 'dead') "
        "AND family IN (SELECT 'invitation:' || CAST(id AS VARCHAR(20)) "
        "FROM draw_invitation WHERE answered_via IS NOT NULL)")


class Migration(migrations.Migration):
    dependencies = [('models', '0060_federated_draws')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notification',
            name='family',
            field=fields.CharField(null=True, db_index=True, max_length=48),
        ),
        ops.AddField(
            model_name='Notification',
            name='channels',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='Notification',
            name='covered',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.RunPython(_families),
        ops.RunPython(restore_sqlite_indexes),
    ]
