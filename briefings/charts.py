"""The timeline as a picture: events on a time axis, each drawn at its own precision.

`timeline_marks` decides what to draw, as plain data a test can read: a day is a
point, a date known to the month or the year a light span over it, a period the source
gives from one date to another ("from 1910 to 1945") a bar, a day known only to fall
between two dates ("a few days ago", or bounds reasoned from the sources) a hatched
span labelled "between ... and ...", an expected event a hollow point labelled
"expected" (grey, "expected, did not happen", when a later step overtook it), a date
the sources dispute two points joined by a line. `timeline_band` decides the band drawn
above them: the agreement's state span by span, from the same fold `!gsomia history`
lists (`TimelineResult.state`), with what the sources leave unknown drawn as such
(before the first step on record, the days in which a step known only to the month or a
range may have fallen, after the last source).

`timeline_chart` gathers all that as a `Chart`, plain picklable data, where the result
was read; `chart_png` draws it with matplotlib's Agg backend (no display, no global
pyplot state), which the bot does in a worker process, off its GIL.

A timeline from 1910 to 2019 with most events in 2019 would squeeze the recent ones
into a sliver, so a long span is drawn in two panels sharing the rows: the years
before the recent cluster, compressed, then the recent months.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from briefings.dates import FuzzyDate, Precision
from briefings.effects import EffectKind
from briefings.queries.agreement_state import Span
from briefings.queries.timeline import TimelineResult

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from briefings.queries.items import DateItem

__all__ = [
    "Chart",
    "Mark",
    "Picture",
    "Segment",
    "between_words",
    "chart_figure",
    "chart_png",
    "compressed_years",
    "row_label",
    "timeline_band",
    "timeline_chart",
    "timeline_figure",
    "timeline_marks",
    "timeline_picture",
    "timeline_png",
]

MarkKind = Literal["point", "span", "bar", "between", "expected", "superseded", "disputed"]
LABEL_LENGTH = 44  # a row label's characters a line: legible at Discord's preview width
RECENT = dt.timedelta(days=2 * 366)  # events this close to the last one get the wide panel
WIDTH_INCHES, DPI = 9.0, 100  # 900 pixels: Discord shows it scaled, still legible
ROW_INCHES = 0.36  # a row of one-line labels
LINE_INCHES = 0.15  # each further line of a wrapped label
MARGIN_INCHES = 1.6  # the title and the legend above, the date axis below
LABEL_ROOM = 0.45  # of the width, for row labels of LABEL_LENGTH characters
RIGHT, PANEL_GAP = 0.98, 0.06  # the right edge (of the width) and the gap between panels
EXPECTED, DISPUTED, SUPERSEDED = "#d62728", "#ff7f0e", "#969696"
PERIOD, BETWEEN = "#3182bd", "#2171b5"  # a period's bar; the edge and hatching of a window
ASKED = "#fff3b0"  # the period asked for, behind the marks
MIN_SPAN_DAYS = 30
MIN_MARK_PIXELS = 5  # a month on an axis of a century would be a hairline
TICK_ROOM = 0.2  # of a compressed panel's width, between two of its year labels
# A chart of more rows is a wall of labels in Discord, and each row costs a text drawn:
# a month of a large store (125 events) took 0.8 s to draw. The reply lists them all.
MAX_ROWS = 30
# What each kind of mark means, in the legend (only the kinds the chart holds).
MEANINGS: dict[MarkKind, str] = {
    "point": "on a day",
    "span": "in a month or year",
    "bar": "over a period",
    "between": "on a day between two dates",
    "expected": "expected",
    "superseded": "expected, did not happen",
    "disputed": "date disputed",
}
# The band of the agreement's state: each step's state in a word or two, and the
# colour of what the agreement then is.
STATE_WORDS: dict[EffectKind, str] = {
    "signed": "signed",
    "in_force": "in force",
    "extended": "in force (extended)",
    "termination_notified": "termination notified",
    "termination_suspended": "termination suspended",
    "termination_withdrawn": "in force (termination withdrawn)",
    "normalized": "in force (normalized)",
    "expired": "expired",
    "terminated": "terminated",
}
STATE_COLOURS: dict[str, str] = {  # by what the legend calls it
    "signed": "#c7e9c0",
    "in force": "#74c476",
    "termination notified": "#fd8d3c",
    "termination suspended": "#fdd49e",
    "ended": "#737373",
}
_STATE_OF: dict[EffectKind, str] = {
    "signed": "signed",
    "termination_notified": "termination notified",
    "termination_suspended": "termination suspended",
    "expired": "ended",
    "terminated": "ended",
}
BandKind = Literal["state", "unsure", "none", "after"]
UNKNOWN = "#ffffff"  # under the hatching of what the sources do not tell
# The band and its legend line cost the figure half an inch: the seed timeline stays
# within 1,200 pixels.
BAND_INCHES, BAND_LEGEND_INCHES = 0.3, 0.2


@dataclass(frozen=True)
class Mark:
    """One event's mark: its row label and what to draw between which days."""

    label: str
    kind: MarkKind
    start: dt.date
    end: dt.date  # the same day for a point
    other: dt.date | None = None  # a disputed date's other day, joined to `start`
    words: str = ""  # said beside a window: "between Aug 16 and Nov 22"


@dataclass(frozen=True)
class Segment:
    """A stretch of the band: the state of a span (`state`), the days in which the
    step opening it may have fallen (`unsure`: a month or a range), the days before the
    first step on record (`none`) or after the last source (`after`)."""

    kind: BandKind
    start: dt.date
    end: dt.date  # its last day
    label: str
    span: Span | None = None
    since: str | None = None  # in words, for the alt text: the day it begins (as given)
    until: str | None = None  # ... and the day of the step that ends it

    @property
    def state(self) -> str | None:
        """What the legend calls the agreement's state in it (None: not on record)."""
        return None if self.span is None else _STATE_OF.get(self.span.step.kind, "in force")

    @property
    def colour(self) -> str:
        """Its fill: the state's colour; white under the hatching of the unknown."""
        return UNKNOWN if self.state is None else STATE_COLOURS[self.state]


@dataclass(frozen=True)
class Picture:
    """A chart and what its alt text tells besides the title: the band's stretches."""

    png: bytes
    band: list[Segment]

    @property
    def told(self) -> list[Segment]:
        """The band's stretches as the alt text tells them: a span once, though its
        state is drawn as two stretches when its step's day is not given."""
        band = self.band
        return [
            segment
            for i, segment in enumerate(band)
            if not (
                segment.kind == "unsure" and i + 1 < len(band) and band[i + 1].span is segment.span
            )
        ]


def _state_label(span: Span) -> str:
    words = STATE_WORDS[span.step.kind]
    return words + (" (conditionally)" if span.step.conditional else "")


def timeline_band(result: TimelineResult, marks: list[Mark]) -> list[Segment]:
    """The band above `marks`: the stretches of the agreement's state that the chart's
    days reach, from the spans of `result.state`; none when no span is among them."""
    state = result.state
    if state is None or not state.spans or not marks:
        return []
    day = dt.timedelta(days=1)
    first = min(mark.start for mark in marks)
    last = max(max(mark.end, mark.other or mark.end) for mark in marks)
    segments = []
    opening = state.spans[0].step
    if first < opening.when.earliest:
        before = opening.when.earliest - day
        segments.append(
            Segment("none", first, before, "no step on record", None, None, opening.date.label)
        )
    for span in state.spans:
        when, label = span.step.when, _state_label(span)
        end = span.until.when.earliest - day if span.until else state.day
        until = span.until.date.label if span.until else None
        start = when.earliest
        if when.latest > when.earliest:  # the step's day is not given
            stretch = (start, min(when.latest, end))
            segments.append(Segment("unsure", *stretch, label, span, span.step.date.label, until))
            start = when.latest + day
        if start <= end:
            segments.append(Segment("state", start, end, label, span, span.step.date.label, until))
    if last > state.day:
        horizon = state.day.isoformat()
        segments.append(
            Segment("after", state.day + day, last, "after the last source", None, horizon)
        )
    shown = [s for s in segments if s.start <= last and s.end >= first]
    return shown if any(s.span is not None for s in shown) else []


def row_label(title: str) -> str:
    """A title wrapped to lines of LABEL_LENGTH characters (as many as it takes), never
    cut: the row grows instead."""
    return "\n".join(textwrap.wrap(title, LABEL_LENGTH) or [""])


def _is_window(date: DateItem) -> bool:
    """Whether a range is the days a single happening falls between, not a period it
    lasts: a range the bot worked out (a relative phrase, or bounds reasoned from the
    sources) or one printed as "between"; a range printed as such ("from 1910 to
    1945") is a period."""
    return date.how != "printed" or (date.phrase or "").lower().startswith("between")


def _short(date: FuzzyDate, year: bool) -> str:
    """A window's end in few words: "Aug 16", "June", "1910" (with its year if asked)."""
    day = date.earliest
    if date.precision is Precision.YEAR:
        return str(day.year)
    words = f"{day:%B}" if date.precision is Precision.MONTH else f"{day:%b} {day.day}"
    return f"{words} {day.year}" if year else words


def between_words(iso: str) -> str:
    """What a window says beside it: "between Aug 16 and Nov 22" (years given when its
    ends fall in different ones)."""
    first, last = (FuzzyDate.parse(part) for part in iso.split("/"))
    year = first.earliest.year != last.latest.year
    return f"between {_short(first, year)} and {_short(last, year)}"


def timeline_marks(result: TimelineResult) -> list[Mark]:
    """What to draw for each event, in the timeline's order."""
    marks = []
    for event in result.events:
        date = FuzzyDate.parse(event.date.iso)
        label, days = event.title, (date.earliest, date.latest)
        if event.status == "expected":
            kind: MarkKind = "superseded" if event.outcome == "superseded" else "expected"
            marks.append(Mark(label, kind, *days))
        elif event.disputed_dates:
            other = FuzzyDate.parse(event.disputed_dates[0].iso).earliest
            marks.append(Mark(label, "disputed", *days, other))
        elif date.precision is Precision.DAY:
            marks.append(Mark(label, "point", *days))
        elif date.precision in (Precision.MONTH, Precision.YEAR):
            marks.append(Mark(label, "span", *days))
        elif _is_window(event.date):
            marks.append(Mark(label, "between", *days, words=between_words(event.date.iso)))
        else:
            marks.append(Mark(label, "bar", *days))
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
    """Words beside a mark, placed once the axis limits are known: beside `x`, or for
    a window beside whichever of its ends (`x`, `end`) has room."""

    x: float
    row: int
    text: str
    colour: str
    end: float | None = None


def _draw(axes: Axes, marks: list[Mark], rows: list[int], least: float) -> list[_Label]:
    """Draw the marks, none narrower than `least` (in days) and none widened past the
    panel's edge; the labels they need ("expected", "disputed: …", "between …")."""
    from matplotlib.dates import date2num

    limits = axes.get_xlim()
    labels = []
    for mark, row in zip(marks, rows, strict=True):
        start, end = date2num(mark.start), date2num(mark.end + dt.timedelta(days=1))
        if mark.kind == "span":
            _bar(axes, row, (start, end), (least, limits), ("#9ecae1", "#6baed6"))
        elif mark.kind == "bar":
            _bar(axes, row, (start, end), (least, limits), (PERIOD, PERIOD))
        elif mark.kind == "between":
            _bar(axes, row, (start, end), (least, limits), ("white", BETWEEN), window=True)
            labels.append(_Label(start, row, mark.words, BETWEEN, end))
        elif mark.kind == "expected":
            axes.plot(start, row, "o", ms=9, mfc="none", mec=EXPECTED, mew=2)
            labels.append(_Label(start, row, "expected", EXPECTED))
        elif mark.kind == "superseded":
            axes.plot(start, row, "o", ms=9, mfc="none", mec=SUPERSEDED, mew=2)
            labels.append(_Label(start, row, "expected, did not happen", SUPERSEDED))
        elif mark.kind == "disputed" and mark.other is not None:
            other = date2num(mark.other)
            axes.plot([start, other], [row, row], "-o", ms=8, lw=2, color=DISPUTED)
            first, second = sorted([mark.start, mark.other])
            text = f"disputed: {first:%b} {first.day} or {second:%b} {second.day}"
            labels.append(_Label(max(start, other), row, text, DISPUTED))
        else:
            axes.plot(start, row, "o", ms=8, color="#08519c")
    return labels


def _bar(
    axes: Axes,
    row: int,
    days: tuple[float, float],
    narrowest: tuple[float, tuple[float, float]],
    colours: tuple[str, str],
    window: bool = False,
) -> None:
    """A bar over `days` (first, after last); `colours`: its fill and its edge. One
    narrower than `narrowest` (the least width, and the panel's limits) is widened about
    its middle to it, but kept inside the panel (the 2016 signing, two pixels from the
    compressed panel's edge, was half cut off). A window is hatched, its edge dotted."""
    start, end = days
    least, (low, high) = narrowest
    left, width = start, end - start
    if width < least:
        width = least
        left = min(max((start + end - width) / 2, low), high - width)
    fill, edge = colours
    if window:
        axes.barh(
            row, width, left=left, height=0.55, color=fill, ec=edge, hatch="///", ls=":", lw=1.2
        )
    else:
        axes.barh(row, width, left=left, height=0.55, color=fill, ec=edge)


def _draw_band(axes: Axes, band: list[Segment], rows: tuple[float, float]) -> list[Segment]:
    """The band between `rows` (in row units), in two calls (the states, then the
    hatched unknown) however many stretches it has: the stretch before the first step
    starts, and the one after the last source ends, at the panel's edge. Each state is
    labelled inside its stretch where the words fit; those labelled are returned."""
    from matplotlib.dates import date2num

    low, high = axes.get_xlim()

    def days(segment: Segment) -> tuple[float, float]:
        start = low if segment.kind == "none" else date2num(segment.start)
        end = high if segment.kind == "after" else date2num(segment.end + dt.timedelta(days=1))
        return start, end - start

    low_row, high_row = rows
    middle_row = (low_row + high_row) / 2
    height = (middle_row - (high_row - low_row) * 0.35, (high_row - low_row) * 0.7)
    solid = [s for s in band if s.kind == "state"]
    edges = [DISPUTED if s.span and not s.span.follows else "white" for s in solid]
    colours = [s.colour for s in solid]
    axes.broken_barh([days(s) for s in solid], height, facecolors=colours, edgecolors=edges)
    unknown = [s for s in band if s.kind != "state"]
    axes.broken_barh(
        [days(s) for s in unknown],
        height,
        facecolors=[s.colour for s in unknown],
        edgecolors="#969696",
        hatch="///",
        lw=0.5,
    )
    pixels = axes.get_position().width * WIDTH_INCHES * DPI
    labelled = []
    for segment in solid:
        start, width = days(segment)
        shown = min(start + width, high) - max(start, low)
        if shown * pixels / (high - low) < len(segment.label) * 6.5 + 8:
            continue  # the legend tells its colour
        middle = (max(start, low) + min(start + width, high)) / 2
        axes.text(middle, middle_row, segment.label, ha="center", va="center", fontsize=9)
        labelled.append(segment)
    return labelled


def _place(axes: Axes, labels: list[_Label]) -> None:
    """Each label on the side of its mark with room: the left, near the right edge. A
    window's words go after its end, else before its start, else over it on white."""
    low, high = axes.get_xlim()
    pixels = axes.get_position().width * WIDTH_INCHES * DPI / (high - low)  # a day's
    for label in labels:
        x, over = label.x, False
        left = x > low + (high - low) * 0.6
        if label.end is not None:
            needed = (len(label.text) * 8.5 + 14) / pixels  # in days, at 11 points
            if high - label.end >= needed:
                x, left = label.end, False
            elif label.x - low >= needed:
                left = True
            else:
                x, over = (label.x + label.end) / 2, True
        axes.annotate(
            label.text,
            (x, label.row),
            xytext=(0 if over else -10 if left else 10, -4),
            textcoords="offset points",
            ha="center" if over else "right" if left else "left",
            fontsize=11,
            color=label.colour,
            bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1} if over else None,
        )


def _extent(marks: list[Mark]) -> tuple[float, float]:
    """The first and the day after the last day the marks cover, as axis numbers; at
    least MIN_SPAN_DAYS (one day alone shows the month around it), with room after."""
    from matplotlib.dates import date2num

    low = min(date2num(mark.start) for mark in marks)
    high = max(date2num(max(mark.end, mark.other or mark.end)) for mark in marks) + 1
    if high - low < MIN_SPAN_DAYS:
        centre = (low + high) / 2
        low, high = centre - MIN_SPAN_DAYS / 2, centre + MIN_SPAN_DAYS / 2
    pad = (high - low) * 0.05
    return low - pad, high + (high - low) * 0.08


def _panels(figure: Figure, marks: list[Mark]) -> list[tuple[Axes, list[int]]]:
    """One panel with every mark; or, for a long span, the earlier years compressed
    beside the recent ones: each with the indexes of its marks and its limits set."""
    from matplotlib.dates import date2num

    split = _split(marks)
    if split is None:
        axes = figure.add_subplot()
        axes.set_xlim(*_extent(marks))
        return [(axes, list(range(len(marks))))]
    earlier, recent = figure.subplots(1, 2, sharey=True, width_ratios=[1, 3])
    older = [i for i, mark in enumerate(marks) if mark.start < split]
    newer = [i for i, mark in enumerate(marks) if mark.start >= split]
    first = dt.date(min(mark.start for mark in marks).year, 1, 1)
    earlier.set_xlim(date2num(first), date2num(split))
    earlier.set_title("earlier (compressed)", fontsize=10, color="#555555")
    recent.set_xlim(date2num(split), _extent([marks[i] for i in newer])[1])
    return [(earlier, older), (recent, newer)]


def compressed_years(years: set[int], first: dt.date, split: dt.date) -> list[int]:
    """The years a compressed panel from `first` to `split` labels: those its marks
    start in, each under its own year, none crowding another or the panel's edge."""
    room = (split - first).days * TICK_ROOM
    kept: list[int] = []
    for year in sorted(years):
        at = dt.date(year, 1, 1)
        if (split - at).days >= room and all((at - dt.date(k, 1, 1)).days >= room for k in kept):
            kept.append(year)
    return kept


def _year_ticks(axes: Axes, marks: list[Mark], split: dt.date) -> None:
    from matplotlib.dates import date2num

    first = dt.date(min(mark.start for mark in marks).year, 1, 1)
    years = compressed_years({mark.start.year for mark in marks}, first, split)
    axes.set_xticks([date2num(dt.date(year, 1, 1)) for year in years], [str(y) for y in years])


def _date_ticks(axes: Axes) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(maxticks=6)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _shade(axes: Axes, asked: FuzzyDate) -> None:
    """The period asked for, behind the marks."""
    from matplotlib.dates import date2num

    last = asked.latest + dt.timedelta(days=1)
    axes.axvspan(date2num(asked.earliest), date2num(last), color=ASKED, zorder=0, lw=0)


def _columns(labels: Sequence[str]) -> int:
    """How many legend entries of `labels` fit side by side in the figure's width: a
    guess from their lengths (7.2 pixels a character at 9 points, 40 for the handle and
    the gap), since measuring a text means drawing it."""
    widths = sorted((len(label) * 7.2 + 40 for label in labels), reverse=True)
    columns = len(widths)
    while columns > 1 and sum(widths[:columns]) > WIDTH_INCHES * DPI * 0.99:
        columns -= 1
    return columns


def _lines(labels: Sequence[str]) -> int:
    """How many lines a legend of `labels` takes."""
    return -(-len(labels) // _columns(labels)) if labels else 0


def _legend_line(figure: Figure, handles: Sequence[Artist], top: float) -> None:
    """A legend of `handles` at `top`, from the figure's left edge: on one line, or on
    as many as it takes to stay within the figure."""
    figure.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.005, top),
        ncol=_columns([str(handle.get_label()) for handle in handles]),
        frameon=False,
        fontsize=9,
        handlelength=1.4,
        columnspacing=1.0,
    )


def _band_meanings(band: list[Segment], labelled: Sequence[Segment] = ()) -> list[str]:
    """What the band's legend says: the states not labelled in place, then the hatching."""
    states = {s.state for s in band if s.kind == "state" and s not in labelled}
    meanings = [f"state: {name}" for name in STATE_COLOURS if name in states]
    if any(s.kind == "unsure" for s in band):
        meanings.append("its day not given")
    if any(s.kind in ("none", "after") for s in band):
        meanings.append("not on record")
    return meanings


def _band_legend(figure: Figure, band: list[Segment], labelled: list[Segment], top: float) -> None:
    """What the band's colours (of the states not labelled in place: each legend entry
    is a text drawn, a tenth of the band's cost) and hatching mean, on a line of its own
    at `top`."""
    from matplotlib.patches import Patch

    unsure = next((s.colour for s in band if s.kind == "unsure"), UNKNOWN)
    handles = []
    for meaning in _band_meanings(band, labelled):
        if meaning.startswith("state: "):
            colour = STATE_COLOURS[meaning.removeprefix("state: ")]
            handles.append(Patch(facecolor=colour, edgecolor="white", label=meaning))
        else:
            fill = unsure if meaning == "its day not given" else UNKNOWN
            handles.append(Patch(facecolor=fill, hatch="///", ec="#969696", label=meaning))
    if handles:  # else every stretch is named in place
        _legend_line(figure, handles, top)


def _meanings(marks: list[Mark], asked: bool) -> dict[MarkKind | None, str]:
    """What the legend says of each kind of mark the chart holds (None: the period asked)."""
    drawn = {mark.kind for mark in marks}
    meanings: dict[MarkKind | None, str] = {k: m for k, m in MEANINGS.items() if k in drawn}
    if asked:
        meanings[None] = "the period asked"
    return meanings


def _legend(figure: Figure, marks: list[Mark], asked: bool, top: float) -> None:
    """What each kind of mark on this chart means, under the title at `top`."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Line2D | Patch] = []
    for kind, meaning in _meanings(marks, asked).items():
        if kind is None:
            handles.append(Patch(facecolor=ASKED, label=meaning))
        elif kind == "span":
            handles.append(Patch(facecolor="#9ecae1", edgecolor="#6baed6", label=meaning))
        elif kind == "bar":
            handles.append(Patch(facecolor=PERIOD, label=meaning))
        elif kind == "between":
            handles.append(
                Patch(facecolor="white", edgecolor=BETWEEN, hatch="///", ls=":", label=meaning)
            )
        elif kind in ("expected", "superseded"):
            colour = EXPECTED if kind == "expected" else SUPERSEDED
            hollow = Line2D([], [], ls="", marker="o", mfc="none", mec=colour, mew=2, ms=8)
            hollow.set_label(meaning)
            handles.append(hollow)
        elif kind == "disputed":
            handles.append(Line2D([], [], marker="o", color=DISPUTED, ms=6, label=meaning))
        else:
            handles.append(Line2D([], [], ls="", marker="o", color="#08519c", label=meaning))
    _legend_line(figure, handles, top)


@dataclass(frozen=True)
class Chart:
    """What a timeline's chart shows, as plain data: made where the result was read,
    drawn elsewhere (the bot sends it to a worker process, so it pickles small)."""

    title: str
    marks: list[Mark]  # the rows drawn: the first MAX_ROWS of the events
    band: list[Segment]
    asked: FuzzyDate | None  # the period asked for, shaded

    def drawn(self) -> Picture:
        """The chart drawn here, with the band's stretches for its alt text."""
        return Picture(chart_png(self), self.band)


def timeline_chart(result: TimelineResult) -> Chart | None:
    """The chart of a timeline (None for no events: nothing to draw)."""
    every = timeline_marks(result)
    if not every:
        return None
    title = "Timeline" + (f": {result.period}" if result.period else "")
    if len(every) > MAX_ROWS:
        title += f" (the first {MAX_ROWS} of {len(every)} events)"
    marks = every[:MAX_ROWS]
    asked = FuzzyDate.parse(result.period_iso) if result.period_iso else None
    return Chart(title, marks, timeline_band(result, marks), asked)


def chart_png(chart: Chart) -> bytes:
    """The chart drawn as a PNG, 900 pixels wide."""
    buffer = io.BytesIO()
    # zlib's fastest level: compressing at the default one took a tenth of the drawing,
    # for a file within 1% of the same size.
    chart_figure(chart).savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def timeline_png(result: TimelineResult) -> bytes:
    """The timeline drawn as a PNG; empty bytes for no events."""
    chart = timeline_chart(result)
    return b"" if chart is None else chart_png(chart)


def timeline_picture(result: TimelineResult) -> Picture:
    """The timeline drawn as a PNG, with the band's stretches for its alt text."""
    chart = timeline_chart(result)
    return Picture(b"", []) if chart is None else chart.drawn()


def timeline_figure(result: TimelineResult) -> Figure | None:
    """The timeline drawn on a figure of its own (None for no events)."""
    chart = timeline_chart(result)
    return None if chart is None else chart_figure(chart)


def chart_figure(chart: Chart) -> Figure:
    """The chart drawn on a figure of its own."""
    marks, band, asked = chart.marks, chart.band, chart.asked
    # Imported here: matplotlib costs the one-shot `ask` and the bot's start nothing
    # until a picture is asked for.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = list(range(len(marks) - 1, -1, -1))  # the first event on top
    labels = [row_label(mark.label) for mark in marks]
    lines = max(label.count("\n") + 1 for label in labels)
    # The band is one more row, above the first event, and its legend one more line.
    row_inches = ROW_INCHES + LINE_INCHES * (lines - 1)
    # Each legend line past the first costs a line's height (the band's: as if no
    # state were labelled in place, which is known only once it is drawn).
    mark_lines = _lines(list(_meanings(marks, asked is not None).values()))
    band_lines = _lines(_band_meanings(band)) if band else 0
    legends = BAND_LEGEND_INCHES * (mark_lines - 1 + band_lines)
    margin = MARGIN_INCHES + legends + (BAND_INCHES if band else 0)
    top_room = 0.95 + legends
    height = row_inches * len(marks) + margin
    # The band's rows (in row units): from under the first event's to the top.
    top_row = len(marks) - 0.2 + (BAND_INCHES / row_inches if band else 0)
    band_rows = (len(marks) - 0.5, top_row)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    # Fixed margins, not tight_layout (which measures every label and took a third
    # of the draw): the labels are wrapped at LABEL_LENGTH, so their room is known.
    figure.subplots_adjust(
        left=LABEL_ROOM,
        right=RIGHT,
        top=1 - top_room / height,
        bottom=0.55 / height,
        wspace=PANEL_GAP,
    )
    FigureCanvasAgg(figure)
    panels = _panels(figure, marks)
    labelled: list[Segment] = []  # the band's states named in place
    for axes, group in panels:
        if asked is not None:
            _shade(axes, asked)
        low, high = axes.get_xlim()
        pixels = axes.get_position().width * WIDTH_INCHES * DPI
        shown = [marks[i] for i in group]
        placed = _draw(
            axes, shown, [rows[i] for i in group], (high - low) * MIN_MARK_PIXELS / pixels
        )
        axes.set_xlim(low, high)  # as decided, whatever the marks' own extent
        if band:
            labelled += _draw_band(axes, band, band_rows)
            axes.axhline(len(marks) - 0.5, color="#bdbdbd", lw=0.8)
            axes.set_xlim(low, high)
        _place(axes, placed)
        axes.tick_params(axis="x", labelsize=10)
        axes.grid(axis="x", alpha=0.3)
    split = _split(marks)
    if split is not None:
        _year_ticks(panels[0][0], [marks[i] for i in panels[0][1]], split)
    _date_ticks(panels[-1][0])
    first = panels[0][0]
    # Row labels as plain texts beside the axis, not as tick labels: a tick is two
    # lines, two labels and a grid line built for each row (a tenth of the drawing).
    first.set_yticks([])
    beside = first.get_yaxis_transform()  # x in axes fractions, y in rows
    for row, label in zip(rows, labels, strict=True):
        first.text(-0.01, row, label, transform=beside, ha="right", va="center", fontsize=11)
    if band:
        first.text(
            -0.01,
            sum(band_rows) / 2,
            "GSOMIA's state",
            transform=beside,
            ha="right",
            va="center",
            fontsize=11,
        )
    first.set_ylim(-0.8, top_row)
    figure.suptitle(chart.title, fontsize=13, x=0.01, y=1 - 0.1 / height, ha="left", va="top")
    _legend(figure, marks, asked is not None, 1 - 0.45 / height)
    if band:
        below = 0.45 + BAND_LEGEND_INCHES * mark_lines
        _band_legend(figure, band, labelled, 1 - below / height)
    return figure
