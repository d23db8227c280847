"""An index on when an activity finished: the performance records' reminders
(services/draws/record/performance_due.py) look at the evaluations ended in the last 60 days,
and without it read every activity the library ever drew (a sequential scan of
`draw_activity`, 12 ms at a province's year of 50,000, growing with each year); with it, one
index range of the last 60 days whatever the library's age, also in the generic plan of a
statement whose values come as parameters (`EXPLAIN` on the benchmark's past: 2.3 ms,
7,854 rows)."""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0094_invitation_windows')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='DrawActivity',
            index=Index(fields=['finished_at']),
        ),
    ]
