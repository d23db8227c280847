"""Courses made of lessons, and the time each enrolment spent on each, measured by the
server (continuing education that is studied)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from models.orm.sqlite_indexes import restore as restore_sqlite_indexes

class Migration(migrations.Migration):
    dependencies = [('models', '0018_invoice_number')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Lesson',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('course', fields.ForeignKeyField('models.Course', source_field='course_id', db_constraint=True, to_field='id', related_name='lessons', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('title', fields.CharField(max_length=64)),
                ('kind', fields.CharField(max_length=8)),
                ('body', fields.TextField(unique=False)),
                ('minutes', fields.IntField()),
            ],
            options={'table': 'lesson', 'app': 'models', 'unique_together': (('course', 'position'),), 'pk_attr': 'id', 'table_description': 'One part of a course: a document page or a video page, and the minutes'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LessonStudy',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('enrollment', fields.ForeignKeyField('models.Enrollment', source_field='enrollment_id', db_constraint=True, to_field='id', related_name='studies', on_delete=OnDelete.CASCADE)),
                ('lesson', fields.ForeignKeyField('models.Lesson', source_field='lesson_id', db_constraint=True, to_field='id', related_name='studies', on_delete=OnDelete.CASCADE)),
                ('seconds', fields.IntField(default=0)),
                ('last_beat_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'lesson_study', 'app': 'models', 'unique_together': (('enrollment', 'lesson'),), 'pk_attr': 'id', 'table_description': 'The time one enrolment has spent on one lesson, as the server measured it: each'},
            bases=['Model'],
        ),
        ops.RunPython(restore_sqlite_indexes),
    ]
