"""Performance records (财库〔2016〕198号: the agency records each expert's performance after
the review, the expert may read and explain it): the conduct items an administrator maintains,
seeded with the offences of 招标投标法实施条例 Art. 71 and 72 in the regulation's words, one
record per expert and evaluation, and the settings row (the deadline in working days). Three
new tables: no existing table is touched."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

ART_71 = '招标投标法实施条例第七十一条'
ART_72 = '招标投标法实施条例第七十二条'
# (code, name, article, position): the regulation's own words
STATUTORY = [
    ('tbl71-1', '应当回避而不回避', ART_71 + '第（一）项', 10),
    ('tbl71-2', '擅离职守', ART_71 + '第（二）项', 20),
    ('tbl71-3', '不按照招标文件规定的评标标准和方法评标', ART_71 + '第（三）项', 30),
    ('tbl71-4', '私下接触投标人', ART_71 + '第（四）项', 40),
    ('tbl71-5', '向招标人征询确定中标人的意向或者接受任何单位或者个人明示或者暗示提出的倾向或者排斥特定投标人的要求', ART_71 + '第（五）项', 50),
    ('tbl71-6', '对依法应当否决的投标不提出否决意见', ART_71 + '第（六）项', 60),
    ('tbl71-7', '暗示或者诱导投标人作出澄清、说明或者接受投标人主动提出的澄清、说明', ART_71 + '第（七）项', 70),
    ('tbl71-8', '其他不客观、不公正履行职务的行为', ART_71 + '第（八）项', 80),
    ('tbl72', '收受投标人的财物或者其他好处', ART_72, 90),
]


async def _seed(apps: Any, schema_editor: Any) -> None:
    # constants of this file only: no value comes from outside
    for code, name, article, position in STATUTORY:
        await schema_editor._run_sql(
            'INSERT INTO conduct_item (code, name, article, active, position) '
            f"VALUES ('{code}', '{name}', '{article}', TRUE, {position})")  # nosec B608


class Migration(migrations.Migration):
    dependencies = [('models', '0037_fee_standard')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConductItem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=200)),
                ('article', fields.CharField(default='', max_length=64)),
                ('active', fields.BooleanField(default=True)),
                ('position', fields.IntField(default=0)),
                ('changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'conduct_item', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One conduct item the agency may tick (an offence of Art. 71 or 72, or one an'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PerformanceRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.BigIntField(db_index=True)),
                ('invitation_id', fields.BigIntField(unique=True)),
                ('expert_id', fields.BigIntField()),
                ('person_id', fields.BigIntField(db_index=True)),
                ('late', fields.BooleanField(default=False)),
                ('left_early', fields.BooleanField(default=False)),
                ('conduct', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('score', fields.IntField()),
                ('comment', fields.CharField(default='', max_length=500)),
                ('recorded_by', fields.BigIntField()),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reply', fields.CharField(null=True, max_length=500)),
                ('replied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('disputed', fields.BooleanField(default=False)),
                ('review_outcome', fields.CharField(null=True, max_length=12)),
                ('review_note', fields.CharField(null=True, max_length=500)),
                ('reviewed_by', fields.BigIntField(null=True)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'performance_record', 'app': 'models', 'unique_together': (('activity_id', 'expert_id'),), 'pk_attr': 'id', 'table_description': "One expert's performance at one evaluation (the root activity: its 补抽 included)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PerformanceSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('deadline_days', fields.IntField(default=5)),
                ('changed_by', fields.BigIntField(null=True)),
                ('changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'performance_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': "The administrator's settings of performance records: one row (id 1), none means the"},
            bases=['Model'],
        ),
        ops.RunPython(_seed),
        ops.RunPython(restore_sqlite_indexes),
    ]
