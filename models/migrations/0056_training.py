"""A batch's training: the material applicants download before the exam (HN-APPLY 资料下载);
the industries that approved an application at an industry stage, and the department named in
the review log (HN-APPLY: 根据申请人填写的专业给到对应的市州行业部门预审). A batch's training
sessions and who attended (XJ-SIGNUP: 按照规定时间参加培训、测试,逾期未参加的,不予退费) and a
training fee's refund. The consultation contacts per region
(XJ-SIGNUP: 《各地州市评标专家报名咨询方式》). The requests of units
staff add to the register (HN-APPLY: 待工作人员将单位新增成功后，重新进行选择). Columns added with a
database default: no existing table is rebuilt."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.fields.base import OnDelete

class Migration(migrations.Migration):
    dependencies = [('models', '0055_handler_link_terminal')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StudyMaterial',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch_id', fields.BigIntField(db_index=True)),
                ('exam_id', fields.BigIntField(null=True)),
                ('title', fields.CharField(max_length=64)),
                ('filename', fields.CharField(max_length=128)),
                ('content_type', fields.CharField(max_length=80)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(max_length=128)),
                ('uploaded_by', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'study_material', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A file an administrator uploaded for a batch, or for one of its exams, that the'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Application',
            name='industries_passed',
            field=fields.JSONField(default=list, db_default=[], encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='ReviewAction',
            name='industry',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.CreateModel(
            name='UnitRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person_id', fields.BigIntField(db_index=True)),
                ('name', fields.CharField(max_length=128)),
                ('credit_code', fields.CharField(null=True, max_length=18)),
                ('note', fields.CharField(default='', max_length=200)),
                ('status', fields.CharField(default='waiting', db_index=True, max_length=12)),
                ('unit_id', fields.BigIntField(null=True)),
                ('reason', fields.CharField(null=True, max_length=200)),
                ('decided_by', fields.BigIntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'unit_request', 'app': 'models', 'pk_attr': 'id', 'table_description': "An applicant's request to add a unit missing from the register (HN-APPLY: 如若在“单位"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrainingSession',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch_id', fields.BigIntField(db_index=True)),
                ('title', fields.CharField(max_length=64)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('place', fields.CharField(null=True, max_length=128)),
                ('online_url', fields.CharField(null=True, max_length=256)),
                ('note', fields.CharField(default='', max_length=200)),
                ('created_by', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'training_session', 'app': 'models', 'pk_attr': 'id', 'table_description': "A session of a batch's training (XJ-SIGNUP: 按照规定时间参加培训、测试): when, and"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrainingAttendance',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.TrainingSession', source_field='session_id', db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.CASCADE)),
                ('person_id', fields.BigIntField(db_index=True)),
                ('attended', fields.BooleanField()),
                ('recorded_by', fields.BigIntField(null=True)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'training_attendance', 'app': 'models', 'unique_together': (('session', 'person_id'),), 'pk_attr': 'id', 'table_description': 'Whether a paid applicant attended a session, as the desk recorded it.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Payable',
            name='refunded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.CreateModel(
            name='ConsultContact',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('region', fields.CharField(db_index=True, max_length=6)),
                ('department', fields.CharField(max_length=64)),
                ('phone', fields.CharField(max_length=24)),
                ('address', fields.CharField(default='', max_length=128)),
                ('hours', fields.CharField(default='', max_length=64)),
                ('updated_by', fields.BigIntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consult_contact', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Where applicants of a region ask about applying (XJ-SIGNUP: 公开选聘期间开通政策咨询，'},
            bases=['Model'],
        ),
    ]
