"""Bar charts drawn on the server as inline SVG (no script, no chart library): one row a
label, one bar a series, each bar with its number written on it, or beside it when the bar is
too short to hold it. Horizontal bars, so that labels never overlap however many rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 540  # the drawing's width in CSS pixels (narrower on a narrow page)
LABEL = 120  # the labels' column
ROOM = 64  # right of the longest bar: its number when written beside it
BAR, GAP, PAD = 18, 4, 10  # a bar's height, between a row's bars, between rows
INSIDE = 60  # a bar at least this long holds its number
COLOURS = ("#1f6feb", "#f79009")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    text: str
    text_x: float
    inside: bool
    colour: str


@dataclass(frozen=True)
class Row:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    title: str
    series: list[tuple[str, str]]  # (name, colour), shown as a legend when more than one
    rows: list[Row]
    height: float
    width: int = WIDTH
    label_width: int = LABEL


Number = int | Decimal | None


def words(value: Number, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value}{unit}"


def chart(title: str, series: Sequence[str], rows: Sequence[tuple[str, Sequence[Number]]],
          unit: str = "") -> Chart:
    """`rows`: each a label and one value a series (None: no value, drawn as "—")."""
    top = max((v for _, values in rows for v in values if v is not None), default=0) or 1
    span = WIDTH - LABEL - ROOM
    per_row = len(series) * (BAR + GAP) - GAP + PAD
    out, y = [], float(PAD)
    for label, values in rows:
        bars = []
        for index, value in enumerate(values):
            length = float(value or 0) / float(top) * span
            text = words(value, unit)
            inside = length >= INSIDE
            bars.append(Bar(LABEL, y + index * (BAR + GAP), round(length, 1), text,
                            LABEL + length - 6 if inside else LABEL + length + 6, inside,
                            COLOURS[index % len(COLOURS)]))
        out.append(Row(label, y + (per_row - PAD) / 2, bars))
        y += per_row
    return Chart(title, [(s, COLOURS[i % len(COLOURS)]) for i, s in enumerate(series)],
                 out, y + PAD / 2)
