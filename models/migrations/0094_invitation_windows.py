"""Each invitation keeps its activity's evaluation window (draw_invitation.eval_start,
eval_end) and is indexed by (expert_id, eval_end): whether an expert is confirmed elsewhere
at an overlapping time (an acceptance's read under the lock, the candidates' checks at each
wave) is one index range of the evaluations that end after this one starts, not every
evaluation the expert ever served. The existing invitations take their activity's window
here; the columns are then required. A new invitation is written with its activity's window
(services/draws/running/waves.py, followups/recall.py); when an activity's window moves (a
draft corrected, the asking library's evaluation moved, any other writer), a trigger moves
its invitations' with it in the same statement
(docs/decisions/0023-invitations-keep-their-evaluation-window.md). SQLite remakes the table;
its indexes are put back from the migration state. An expert's open invitations get a partial
index of their own (person_id where the status is sent): the read every chat or SMS answer
starts with costs what the expert has open."""

from typing import Any

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


async def _windows_of_activities(apps: Any, schema_editor: Any) -> None:
    await schema_editor._run_sql(
        'UPDATE draw_invitation SET '
        'eval_start = (SELECT a.eval_start FROM draw_activity a '
        'WHERE a.id = draw_invitation.activity_id), '
        'eval_end = (SELECT a.eval_end FROM draw_activity a '
        'WHERE a.id = draw_invitation.activity_id)')


# the activity's window moved: its invitations' with it (both dialects; same name)
_POSTGRES_TRIGGER = (
    "CREATE OR REPLACE FUNCTION draw_invitation_window() RETURNS trigger LANGUAGE plpgsql "
    "AS $$ BEGIN UPDATE draw_invitation SET eval_start = NEW.eval_start, "
    "eval_end = NEW.eval_end WHERE activity_id = NEW.id; RETURN NULL; END $$; "
    "CREATE TRIGGER draw_activity_window AFTER UPDATE OF eval_start, eval_end "
    "ON draw_activity FOR EACH ROW WHEN (OLD.eval_start IS DISTINCT FROM NEW.eval_start "
    "OR OLD.eval_end IS DISTINCT FROM NEW.eval_end) "
    "EXECUTE FUNCTION draw_invitation_window()")
_SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS draw_activity_window AFTER UPDATE OF eval_start, eval_end "
    "ON draw_activity FOR EACH ROW WHEN OLD.eval_start IS NOT NEW.eval_start "
    "OR OLD.eval_end IS NOT NEW.eval_end BEGIN UPDATE draw_invitation SET "
    "eval_start = NEW.eval_start, eval_end = NEW.eval_end WHERE activity_id = NEW.id; END")


async def _windows_follow(apps: Any, schema_editor: Any) -> None:
    postgres = schema_editor.client.capabilities.dialect == "postgres"
    await schema_editor.client.execute_script(_POSTGRES_TRIGGER if postgres
                                              else _SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [('models', '0093_yearly_accounts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Invitation',
            name='eval_start',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Invitation',
            name='eval_end',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(_windows_of_activities),
        ops.AlterField(
            model_name='Invitation',
            name='eval_start',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        ops.AlterField(
            model_name='Invitation',
            name='eval_end',
            field=fields.DatetimeField(auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Invitation',
            index=Index(fields=['expert_id', 'eval_end']),
        ),
        ops.RunPython(restore_sqlite_indexes),
        ops.RunPython(_windows_follow),
        # an expert's open invitations (replies.OPEN: every chat or SMS answer reads them
        # first), their own entries only: neither the expert's past nor the library's other
        # open invitations (a BitmapAnd with the status index read all of those)
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_draw_invitation_open" ON "draw_invitation" '
            "(\"person_id\") WHERE \"status\" = 'sent'",
            reverse_sql='DROP INDEX IF EXISTS "idx_draw_invitation_open"'),
    ]
