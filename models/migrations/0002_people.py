from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Agency',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=128)),
                ('credit_code', fields.CharField(unique=True, max_length=18)),
                ('kind', fields.CharField(default='agency', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'agency', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A tendering agency or tenderer (a legal person, 法人).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Person',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=32)),
                ('id_number_enc', fields.TextField(unique=False)),
                ('id_number_hash', fields.CharField(unique=True, max_length=64)),
                ('id_masked', fields.CharField(max_length=18)),
                ('gender', fields.CharField(max_length=1)),
                ('birth_date', fields.DateField()),
                ('phone', fields.CharField(db_index=True, max_length=11)),
                ('phone_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('email', fields.CharField(null=True, max_length=128)),
                ('password_hash', fields.CharField(null=True, max_length=160)),
                ('must_change_password', fields.BooleanField(default=False)),
                ('deregistered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'person', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RoleGrant',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('models.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharField(max_length=16)),
                ('agency', fields.ForeignKeyField('models.Agency', source_field='agency_id', null=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('expert_number', fields.CharField(null=True, unique=True, max_length=32)),
                ('level', fields.CharField(null=True, max_length=16)),
                ('region', fields.CharField(null=True, max_length=12)),
                ('industry', fields.CharField(null=True, max_length=32)),
                ('valid_from', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'role_grant', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One role of one person, with its scope (agency, level, region, industry) and validity.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='WeChatIdentity',
            name='bound_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='WeChatIdentity',
            name='person',
            field=fields.ForeignKeyField('models.Person', source_field='person_id', null=True, db_constraint=True, to_field='id', related_name='wechat_identities', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddConstraint(
            model_name='WeChatIdentity',
            constraint=UniqueConstraint(fields=('person', 'channel'), name=None),
        ),
    ]
