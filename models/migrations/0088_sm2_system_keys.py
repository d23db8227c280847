"""An evaluation system's registered public key holds an SM2 one: "sm2:" and base64 of its
65 bytes (92 characters), beside the Ed25519 keys (44) already registered."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0087_score_corrections')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='EvaluationSystem',
            name='public_key',
            field=fields.CharField(max_length=128),
        ),
    ]
