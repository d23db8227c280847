"""A person who took part in a project's 前期 work: the ID number sealed too (AVOID_ID), so
that a library asked to draw for the project avoids them (services/federation/ask_body.py)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0069_expert_relatives')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ProjectInvolvement',
            name='id_sealed',
            field=fields.TextField(null=True, unique=False),
        ),
    ]
