"""Each expert's account of a finished China year (年度考核), kept once made
(services/standing/yearly_accounts.py)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0090_relatives_yearly')]

    initial = False

    operations = [
        ops.CreateModel(
            name='YearlyAccount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('expert_id', fields.BigIntField()),
                ('person_id', fields.BigIntField(db_index=True)),
                ('year', fields.IntField(db_index=True)),
                ('invited', fields.IntField(default=0)),
                ('declined', fields.IntField(default=0)),
                ('served', fields.IntField(default=0)),
                ('late', fields.IntField(default=0)),
                ('left_early', fields.IntField(default=0)),
                ('conduct', fields.IntField(default=0)),
                ('absent', fields.IntField(default=0)),
                ('leave', fields.IntField(default=0)),
                ('sanctions', fields.IntField(default=0)),
                ('courses', fields.IntField(default=0)),
                ('hours', fields.IntField(default=0)),
                ('credit_score', fields.IntField()),
                ('credit_level', fields.CharField(max_length=1)),
                ('made_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'yearly_account', 'app': 'models', 'unique_together': (('expert_id', 'year'),), 'pk_attr': 'id', 'table_description': "An expert's account of one finished China year (年度考核), made once after every"},
            bases=['Model'],
        ),
    ]
