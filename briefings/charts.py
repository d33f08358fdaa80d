"""The timeline as a picture: events on a time axis, each drawn at its own precision.

`timeline_marks` decides what to draw, as plain data a test can read: a day is a
point, a month-only date a light span over the month, a range (or a year) a bar, an
expected event a hollow point labelled "expected", a date the sources dispute two
points joined by a line. `timeline_png` draws those marks with matplotlib's Agg
backend (no display, no global pyplot state, so it may run in a worker thread).

A timeline from 1910 to 2019 with most events in 2019 would squeeze the recent ones
into a sliver, so a long span is drawn in two panels sharing the rows: the years
before the recent cluster, compressed, then the recent months.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from briefings.dates import FuzzyDate, Precision
from briefings.queries.timeline import TimelineResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Mark", "timeline_marks", "timeline_png"]

MarkKind = Literal["point", "span", "bar", "expected", "disputed"]
LABEL_LENGTH = 44  # a row label's characters: legible at Discord's preview width
RECENT = dt.timedelta(days=2 * 366)  # events this close to the last one get the wide panel
WIDTH_INCHES, DPI = 9.0, 100  # 900 pixels: Discord shows it scaled, still legible
ROW_INCHES = 0.36
MARGIN_INCHES = 1.4  # the title above, the date axis below
LABEL_ROOM = 0.45  # of the width, for row labels of LABEL_LENGTH characters
EXPECTED, DISPUTED = "#d62728", "#ff7f0e"
MIN_SPAN_DAYS = 30
# A chart of more rows is a wall of labels in Discord, and each row costs a text drawn:
# a month of a large store (125 events) took 0.8 s to draw. The reply lists them all.
MAX_ROWS = 30


@dataclass(frozen=True)
class Mark:
    """One event's mark: its row label and what to draw between which days."""

    label: str
    kind: MarkKind
    start: dt.date
    end: dt.date  # the same day for a point
    other: dt.date | None = None  # a disputed date's other day, joined to `start`


def _label(title: str) -> str:
    return title if len(title) <= LABEL_LENGTH else title[: LABEL_LENGTH - 1].rstrip() + "…"


def timeline_marks(result: TimelineResult) -> list[Mark]:
    """What to draw for each event, in the timeline's order."""
    marks = []
    for event in result.events:
        date = FuzzyDate.parse(event.date.iso)
        label = _label(event.title)
        if event.status == "expected":
            marks.append(Mark(label, "expected", date.earliest, date.latest))
        elif event.disputed_dates:
            other = FuzzyDate.parse(event.disputed_dates[0].iso).earliest
            marks.append(Mark(label, "disputed", date.earliest, date.latest, other))
        elif date.precision is Precision.DAY:
            marks.append(Mark(label, "point", date.earliest, date.latest))
        elif date.precision is Precision.MONTH:
            marks.append(Mark(label, "span", date.earliest, date.latest))
        else:  # a range of days or months, or a year
            marks.append(Mark(label, "bar", date.earliest, date.latest))
    return marks


def _split(marks: list[Mark]) -> dt.date | None:
    """The first day of the recent panel, or None when one panel shows it all."""
    last = max(max(mark.end, mark.other or mark.end) for mark in marks)
    recent = [mark.start for mark in marks if last - mark.start <= RECENT]
    first = min(mark.start for mark in marks)
    if not recent or first >= min(recent):
        return None
    return dt.date(min(recent).year, 1, 1)


@dataclass(frozen=True)
class _Label:
    """Words beside a mark, placed once the axis limits are known."""

    x: float
    row: int
    text: str
    colour: str


def _draw(axes: Axes, marks: list[Mark], rows: list[int]) -> list[_Label]:
    """Draw the marks; the labels they need ("expected", "disputed: …")."""
    from matplotlib.dates import date2num

    labels = []
    for mark, row in zip(marks, rows, strict=True):
        start, end = date2num(mark.start), date2num(mark.end + dt.timedelta(days=1))
        # An edge line keeps a month a few pixels wide even on an axis of a century.
        if mark.kind == "span":
            axes.barh(row, end - start, left=start, height=0.55, color="#9ecae1", ec="#6baed6")
        elif mark.kind == "bar":
            axes.barh(row, end - start, left=start, height=0.55, color="#3182bd", ec="#3182bd")
        elif mark.kind == "expected":
            axes.plot(start, row, "o", ms=9, mfc="none", mec=EXPECTED, mew=2)
            labels.append(_Label(start, row, "expected", EXPECTED))
        elif mark.kind == "disputed" and mark.other is not None:
            other = date2num(mark.other)
            axes.plot([start, other], [row, row], "-o", ms=8, lw=2, color=DISPUTED)
            first, second = sorted([mark.start, mark.other])
            text = f"disputed: {first:%b} {first.day} or {second:%b} {second.day}"
            labels.append(_Label(max(start, other), row, text, DISPUTED))
        else:
            axes.plot(start, row, "o", ms=8, color="#08519c")
    return labels


def _place(axes: Axes, labels: list[_Label]) -> None:
    """Each label on the side of its mark with room: the left, near the right edge."""
    low, high = axes.get_xlim()
    for label in labels:
        left = label.x > low + (high - low) * 0.6
        axes.annotate(
            label.text,
            (label.x, label.row),
            xytext=(-10 if left else 10, -4),
            textcoords="offset points",
            ha="right" if left else "left",
            fontsize=11,
            color=label.colour,
        )


def timeline_png(result: TimelineResult) -> bytes:
    """The timeline drawn as a PNG (900 pixels wide); empty bytes for no events."""
    marks = timeline_marks(result)
    if not marks:
        return b""
    title = "Timeline" + (f": {result.period}" if result.period else "")
    if len(marks) > MAX_ROWS:
        title += f" (the first {MAX_ROWS} of {len(marks)} events)"
        marks = marks[:MAX_ROWS]
    # Imported here: matplotlib costs the one-shot `ask` and the bot's start nothing
    # until a picture is asked for.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure

    rows = list(range(len(marks) - 1, -1, -1))  # the first event on top
    split = _split(marks)
    height = ROW_INCHES * len(marks) + MARGIN_INCHES
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    # Fixed margins, not tight_layout (which measures every label and took a third
    # of the draw): the labels are cut to LABEL_LENGTH, so their room is known.
    figure.subplots_adjust(
        left=LABEL_ROOM, right=0.98, top=1 - 0.75 / height, bottom=0.55 / height, wspace=0.06
    )
    FigureCanvasAgg(figure)
    if split is None:
        panels = [figure.add_subplot()]
        groups = [list(range(len(marks)))]
    else:
        left, right = figure.subplots(1, 2, sharey=True, width_ratios=[1, 3])
        panels = [left, right]
        groups = [
            [i for i, mark in enumerate(marks) if mark.start < split],
            [i for i, mark in enumerate(marks) if mark.start >= split],
        ]
    labels = []
    for axes, group in zip(panels, groups, strict=True):
        labels.append(_draw(axes, [marks[i] for i in group], [rows[i] for i in group]))
        axes.tick_params(axis="x", labelsize=10)
        axes.grid(axis="x", alpha=0.3)
    recent = panels[-1]
    low, high = recent.get_xlim()
    if high - low < MIN_SPAN_DAYS:  # one day alone: show the month around it
        centre = (low + high) / 2
        recent.set_xlim(centre - MIN_SPAN_DAYS / 2, centre + MIN_SPAN_DAYS / 2)
    locator = AutoDateLocator(maxticks=6)
    recent.xaxis.set_major_locator(locator)
    recent.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    if split is not None:
        first = dt.date(min(mark.start for mark in marks).year, 1, 1)
        earlier = panels[0]
        earlier.set_xlim(date2num(first), date2num(split))
        # Two years, the first and the middle one: a third would crowd the border.
        middle = dt.date((first.year + split.year) // 2, 1, 1)
        earlier.set_xticks([date2num(first), date2num(middle)], [str(first.year), str(middle.year)])
        earlier.set_title("earlier (compressed)", fontsize=10, color="#555555")
        recent.set_xlim(left=date2num(split))
    low, high = recent.get_xlim()  # a little room after the last mark
    recent.set_xlim(low, high + (high - low) * 0.08)
    for axes, placed in zip(panels, labels, strict=True):
        _place(axes, placed)
    # Row labels as plain texts beside the axis, not as tick labels: a tick is two
    # lines, two labels and a grid line built for each row (a tenth of the drawing).
    panels[0].set_yticks([])
    beside = panels[0].get_yaxis_transform()  # x in axes fractions, y in rows
    for row, mark in zip(rows, marks, strict=True):
        panels[0].text(
            -0.01, row, mark.label, transform=beside, ha="right", va="center", fontsize=11
        )
    panels[0].set_ylim(-0.8, len(marks) - 0.2)
    figure.suptitle(title, fontsize=13, x=0.01, ha="left")
    buffer = io.BytesIO()
    # zlib's fastest level: compressing at the default one took a tenth of the drawing,
    # for a file within 1% of the same size.
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()
