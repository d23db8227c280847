"""The experts' fee standard (劳务费标准): an administrator publishes a version; it applies
from its effective date, and an evaluation uses the version in force on its day. Money in
fen."""

from __future__ import annotations

from tortoise import fields

from models.orm.base import Model


class FeeStandard(Model):
    """One published version of the standard, in the shape of the provinces' standards
    (财库〔2016〕198号, Shandong): up to `base_hours` hours a base amount, then an amount per
    further hour, a daily cap, a compensation when the evaluation is cancelled or the expert
    must withdraw on arrival, and travel and meal allowances for experts from another city."""

    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=64)  # e.g. 2025年评标专家劳务费标准
    effective_from = fields.DateField(db_index=True)  # China date
    base_hours = fields.IntField(default=3)
    base_fen = fields.IntField()
    hour_fen = fields.IntField()  # each further hour
    # a started further hour counts as a whole one (True) or not at all (False)
    part_hour_counts = fields.BooleanField(default=True)
    daily_cap_fen = fields.IntField()
    cancel_fen = fields.IntField()  # cancelled, or withdrawn on arrival (现场回避)
    travel_fen = fields.IntField()  # from another city (异地): once per evaluation
    meal_fen = fields.IntField()  # from another city: per evaluation day
    notes = fields.CharField(max_length=200, default="")
    # how a 副场's experts are paid (FG-807): "ours", "theirs" or "higher" (就高)
    secondary_rule = fields.CharField(max_length=8, default="higher", db_default="higher")
    # how the amounts are applied (services/fees/rule.py PROFILES): "hourly" (the fields
    # above) or "gd2020" (粤财采购〔2020〕17号's tiers, compute_tiered there), whose hours
    # beyond `late_after_hours` are paid `late_hour_fen` and following days'
    # `next_day_hour_fen` an hour
    profile = fields.CharField(max_length=12, default="hourly", db_default="hourly")
    late_after_hours = fields.IntField(default=0, db_default=0)
    late_hour_fen = fields.IntField(default=0, db_default=0)
    next_day_hour_fen = fields.IntField(default=0, db_default=0)
    published_by = fields.BigIntField()  # person id
    published_at = fields.DatetimeField()

    class Meta:
        table = "fee_standard"
