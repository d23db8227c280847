"""Indexes for keyset paging (services/common/paging.py): each paged list's filter columns
followed by its sort key, so that a page is one index range read however long the list.
The stuck notifications get a partial index of the two statuses they are (failed, dead):
the outbox's hot rows stay out of it, so sending pays nothing for it."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0043_draw_weights')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['action', 'id']),
        ),
        ops.AddIndex(
            model_name='DishonestyFlag',
            index=Index(fields=['status', 'found_at', 'id']),
        ),
        ops.AddIndex(
            model_name='DishonestyFlag',
            index=Index(fields=['found_at', 'id']),
        ),
        ops.AddIndex(
            model_name='DrawActivity',
            index=Index(fields=['agency_id', 'id']),
        ),
        ops.AddIndex(
            model_name='DrawActivity',
            index=Index(fields=['handler_id', 'id']),
        ),
        ops.AddIndex(
            model_name='DrawLog',
            index=Index(fields=['role', 'at', 'id']),
        ),
        ops.AddIndex(
            model_name='Payable',
            index=Index(fields=['invoice_requested_at', 'id']),
        ),
        ops.AddIndex(
            model_name='ReviewAction',
            index=Index(fields=['actor_id', 'at', 'id']),
        ),
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_notification_stuck" ON "notification" ("id") '
            "WHERE \"status\" IN ('failed', 'dead')",
            reverse_sql='DROP INDEX IF EXISTS "idx_notification_stuck"'),
        ops.RunPython(restore_sqlite_indexes),
    ]
