"""The audit trail chained with HMAC-SM3: each entry's place and MAC, and the chain's end
(one row, created here: appending locks it)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes


async def _head(apps, editor):  # type: ignore[no-untyped-def]
    await editor.client.execute_script(
        "INSERT INTO audit_head (id, seq, mac, draw_log_id) VALUES "
        "(1, 0, '" + "0" * 64 + "', 0)")

class Migration(migrations.Migration):
    dependencies = [('models', '0030_einvoices')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditHead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('seq', fields.BigIntField(default=0)),
                ('mac', fields.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
                ('draw_log_id', fields.BigIntField(default=0)),
            ],
            options={'table': 'audit_head', 'app': 'models', 'pk_attr': 'id', 'table_description': "The chain's end (one row): appending locks it, so the chain has no fork."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AuditEntry',
            name='mac',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='AuditEntry',
            name='seq',
            field=fields.BigIntField(null=True, unique=True),
        ),
        ops.RunPython(_head),
        ops.RunPython(restore_sqlite_indexes),
    ]
