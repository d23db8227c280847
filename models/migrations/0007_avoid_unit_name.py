from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_draws')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='ExpertAvoidUnit',
            name='unit_name',
            field=fields.CharField(db_index=True, max_length=128),
        ),
    ]
