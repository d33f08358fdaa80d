"""The timeline picture: what is drawn for each kind of date (read as data, not
pixels), that the PNG is a real image of a legible size, and that Discord and the CLI
attach it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.dates import date2num
from matplotlib.patches import Rectangle
from PIL import Image

from bot.app import BriefBot
from bot.cli import main
from bot.cogs.briefings import ALT_TEXT_LIMIT, NO_CHART, alt_text
from briefings import queries
from briefings.answers import Answerer
from briefings.charts import (
    ASKED,
    BETWEEN,
    DPI,
    LABEL_LENGTH,
    MARGIN_INCHES,
    MAX_ROWS,
    MIN_MARK_PIXELS,
    PERIOD,
    ROW_INCHES,
    WIDTH_INCHES,
    Chart,
    Mark,
    between_words,
    compressed_years,
    row_label,
    timeline_figure,
    timeline_marks,
    timeline_picture,
    timeline_png,
)
from briefings.dates import FuzzyDate
from briefings.loading import load_store
from briefings.rendering import Renderer
from briefings.store import FactStore
from tests.synthetic import write_seeds
from tests.test_annotation_errors import one_problem
from tests.world import World, make_bot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _marks(store: FactStore) -> dict[str, Mark]:
    return {mark.label: mark for mark in timeline_marks(queries.timeline(store))}


def test_each_date_is_drawn_at_its_own_precision(store: FactStore) -> None:
    marks = _marks(store)
    day = dt.date
    # A month-only date is a span over the whole month, never a day.
    signing = (
        "Tokyo and Seoul sign GSOMIA, letting their intelligence services share information"
        " directly"
    )
    assert marks[signing] == Mark(signing, "span", day(2016, 11, 1), day(2016, 11, 30))
    # A period the source prints from one year to another is a bar over it.
    occupation = marks["Japan occupies the Korean peninsula"]
    assert (occupation.kind, occupation.start, occupation.end) == (
        "bar",
        day(1910, 1, 1),
        day(1945, 12, 31),
    )
    # Days the source only bounds ("a few days ago", or reasoned from the sources) are
    # a window, said in words beside it; a year alone is a span, like a month.
    removal = marks[
        "Seoul removes Japan from its own list of countries receiving preferential treatment"
    ]
    assert (removal.kind, removal.start, removal.end, removal.words) == (
        "between",
        day(2019, 8, 16),
        day(2019, 11, 22),
        "between Aug 16 and Nov 22",
    )
    assert marks["Washington presses Seoul to remain in GSOMIA"].words == (
        "between June and Nov 22"
    )
    assert marks["Japan and South Korea formally recognize each other"].kind == "span"
    # An expected event is a hollow point labelled "expected".
    assert marks["GSOMIA is expected to expire"].kind == "expected"
    assert marks["GSOMIA is due to be renewed"].kind == "expected"
    # A date the sources dispute: two points, the event's date and the other source's.
    decision = marks["South Korea decides not to renew GSOMIA"]
    assert (decision.kind, decision.start, decision.other) == (
        "disputed",
        day(2019, 8, 22),
        day(2019, 8, 23),
    )
    summons = (
        "Tokyo summons the South Korean ambassador to voice its disapproval of Seoul's decision"
    )
    assert marks[summons].kind == "point"


def test_the_png_is_an_image_legible_at_discord_s_preview_width(store: FactStore) -> None:
    png = timeline_png(queries.timeline(store))
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    assert image.width == int(WIDTH_INCHES * 100)
    assert 400 <= image.height <= 1200  # 15 rows at a readable height
    assert len(png) < 1_000_000  # far below Discord's 8 MiB


def test_a_timeline_of_many_events_draws_its_first_rows(tmp_path: Path) -> None:
    """A month of a large store held 125 events: drawing them all took 0.8 s for a chart
    no one could read. The chart stops at MAX_ROWS (its title says of how many)."""
    happenings = [(dt.date(2019, 11, 1 + n % 30), f"thing {n} happened") for n in range(90)]
    seeds = write_seeds(tmp_path / "seeds", [("Ana Pell", "We count.")], happenings)
    result = queries.timeline(load_store(seeds), FuzzyDate.parse("2019-11"))
    assert len(result.events) == 90
    image = Image.open(io.BytesIO(timeline_png(result)))
    assert image.height == round((ROW_INCHES * MAX_ROWS + MARGIN_INCHES) * DPI)


def test_no_events_no_picture(store: FactStore) -> None:
    assert timeline_png(queries.timeline(store, FuzzyDate.parse("1800"))) == b""


def test_the_answerer_draws_what_the_command_charts(answerer: Answerer) -> None:
    first = answerer.picture("timeline", period="2019-08", actor=None)
    assert first is not None
    assert first.png.startswith(PNG_SIGNATURE)
    assert answerer.picture("quote", speaker="kono") is None  # quotes draw nothing
    assert answerer.picture("timeline", period="2019-13", actor=None) is None  # bad period


def test_ask_writes_the_picture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "timeline.png"
    assert main(["ask", "--png", str(target), "!timeline 2019-11"]) == 0
    assert target.read_bytes().startswith(PNG_SIGNATURE)
    assert capsys.readouterr().out.startswith("Timeline: November 2019\n")
    assert main(["ask", "--png", str(tmp_path / "q.png"), "!quote kono"]) == 2
    assert "only !timeline draws one" in capsys.readouterr().err
    assert not (tmp_path / "q.png").exists()


def test_a_disputed_date_that_does_not_resolve_is_caught(seeds_copy: Path) -> None:
    problem = one_problem(
        seeds_copy,
        "discrepancies.yaml",
        "date: {value: 2019-08-23, how: resolved, phrase: This morning",
        "date: {value: 2019-08-24, how: resolved, phrase: This morning",
    )
    assert problem.startswith("discrepancies.yaml: discrepancy decision-date: 'This morning'")
    assert "resolves to 2019-08-23, not 2019-08-24" in problem


@pytest.fixture
def simcord_bot(store: FactStore) -> BriefBot:
    return make_bot(store)


async def test_timeline_attaches_its_chart_prefix_and_slash(synced: World) -> None:
    await synced.alice.send(synced.channel, "!timeline 2019-08")
    message = synced.channel.last_message
    assert message is not None
    assert message.embeds[0].title == "Timeline: August 2019"
    (attachment,) = message.attachments
    assert attachment.filename == "timeline.png"
    assert (await attachment.read()).startswith(PNG_SIGNATURE)
    result = await synced.alice.slash(synced.channel, "timeline", period="2019-11")
    assert result.response is not None
    assert result.response.embeds[0].title == "Timeline: November 2019"
    assert [a.filename for a in result.response.attachments] == ["timeline.png"]


async def test_no_chart_for_a_timeline_without_events(world: World) -> None:
    await world.alice.send(world.channel, "!timeline 1800")
    message = world.channel.last_message
    assert message is not None
    assert message.attachments == []
    assert "No event in the sources" in str(message.embeds[0].description)


def test_a_picture_that_cannot_be_drawn_leaves_the_answer_whole(
    store: FactStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import briefings.charts

    def broken(result: object) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(briefings.charts, "chart_png", broken)
    answerer = Answerer(store)
    assert answerer.picture("timeline", period="2019-11", actor=None) is None
    assert "could not draw the picture of timeline" in caplog.text
    assert answerer.run("timeline", period="2019-11", actor=None).title == (
        "Timeline: November 2019"
    )


def test_a_single_day_is_drawn_without_complaint(store: FactStore) -> None:
    """One event on one day left matplotlib's date locator no interval to pick (a
    warning, which failed the whole answer): the axis now shows the month around it."""
    result = queries.timeline(store, FuzzyDate.parse("2019-11-21"))
    assert [mark.kind for mark in timeline_marks(result)] == ["between", "between", "point"]
    single = queries.timeline(store, FuzzyDate.parse("2019-11-21"), "kang kyung-wha")
    assert len(single.events) == 1
    assert timeline_png(single).startswith(PNG_SIGNATURE)


def test_row_labels_are_wrapped_never_cut(store: FactStore) -> None:
    long = " ".join(["Seoul and Tokyo exchange notes on the agreement's wording"] * 4)
    for title in [*(event.title for event in queries.timeline(store).events), long]:
        label = row_label(title)
        assert label.replace("\n", " ") == title  # a fourth line, not "…"
        assert all(len(line) <= LABEL_LENGTH for line in label.splitlines())


def test_the_legend_says_what_each_mark_on_the_chart_means(store: FactStore) -> None:
    whole = timeline_figure(queries.timeline(store))
    assert whole is not None
    assert [text.get_text() for text in whole.legends[0].get_texts()] == [
        "on a day",
        "in a month or year",
        "over a period",
        "on a day between two dates",
        "expected",
        "date disputed",
    ]
    month = timeline_figure(queries.timeline(store, FuzzyDate.parse("2019-11")))
    assert month is not None
    assert [text.get_text() for text in month.legends[0].get_texts()] == [
        "on a day",
        "on a day between two dates",
        "expected",
        "the period asked",
    ]


def test_the_legend_stays_within_the_picture(store: FactStore) -> None:
    """Every kind of mark and the period asked, on one line, ran past the right edge
    ("date dis…"): the legend takes a second line instead, and the rows move down."""
    figure = timeline_figure(queries.timeline(store, FuzzyDate.parse("1900/2019")))
    assert figure is not None
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for legend in figure.legends:
        box = legend.get_window_extent(renderer)
        assert box.x1 <= WIDTH_INCHES * DPI
    title, marks = (
        figure.legends[0].get_window_extent(renderer),
        figure.axes[0].get_window_extent(renderer),
    )
    assert marks.y1 < title.y0  # the legend above the panel, not over it


def _window_patches(axes: Axes) -> list[Rectangle]:
    return [
        p
        for p in axes.patches
        if isinstance(p, Rectangle)
        and p.get_hatch() == "///"
        and to_hex(p.get_edgecolor()) == BETWEEN
    ]


def test_a_window_is_drawn_apart_from_a_period_and_labelled_between(store: FactStore) -> None:
    """ "Between Aug 16 and Nov 22" was a solid bar like a three-month duration: it is
    hatched, its edge dotted, and says its ends in words; the occupation from 1910 to
    1945, a period the source prints, stays a solid bar."""
    figure = timeline_figure(queries.timeline(store))
    assert figure is not None
    earlier, recent = figure.axes
    windows = _window_patches(recent)
    assert len(windows) == 4  # the pressure, two removals, the meeting
    assert all(w.get_linestyle() == ":" and to_hex(w.get_facecolor()) == "#ffffff" for w in windows)
    removal = max(windows, key=lambda w: w.get_width())
    assert (removal.get_x(), removal.get_x() + removal.get_width()) == (
        date2num(dt.date(2019, 6, 1)),
        date2num(dt.date(2019, 11, 23)),
    )
    words = {text.get_text() for text in recent.texts}
    assert {
        "between June and Nov 22",
        "between Aug 16 and Nov 22",
        "between Aug 16 and Aug 22",
        "between Aug 19 and Aug 22",
    } <= words
    (occupation,) = [
        p
        for p in earlier.patches
        if isinstance(p, Rectangle) and to_hex(p.get_facecolor()) == PERIOD
    ]
    assert occupation.get_hatch() is None
    assert not _window_patches(earlier)


def test_a_window_s_words_give_the_years_when_its_ends_differ() -> None:
    assert between_words("2018-12-30/2019-01-03") == "between Dec 30 2018 and Jan 3 2019"
    assert between_words("1910/1945") == "between 1910 and 1945"
    assert between_words("2019-06/2019-11-22") == "between June and Nov 22"


def _spans(axes: Axes, colour: str) -> list[Rectangle]:
    return [
        patch
        for patch in axes.patches
        if isinstance(patch, Rectangle) and to_hex(patch.get_facecolor()) == colour
    ]


def test_the_period_asked_is_shaded(store: FactStore) -> None:
    figure = timeline_figure(queries.timeline(store, FuzzyDate.parse("2019-11")))
    assert figure is not None
    (shade,) = _spans(figure.axes[-1], ASKED)
    assert (shade.get_x(), shade.get_x() + shade.get_width()) == (
        date2num(dt.date(2019, 11, 1)),
        date2num(dt.date(2019, 12, 1)),
    )
    whole = timeline_figure(queries.timeline(store))
    assert whole is not None
    assert not any(_spans(axes, ASKED) for axes in whole.axes)  # nothing was asked


def test_no_mark_is_narrower_than_a_few_pixels(store: FactStore) -> None:
    """The 2016 signing, a month on the compressed axis of 108 years, was a hairline."""
    figure = timeline_figure(queries.timeline(store))
    assert figure is not None
    earlier = figure.axes[0]
    bars = [patch for patch in earlier.patches if isinstance(patch, Rectangle)]
    assert len(bars) == 3  # the occupation, the recognition and the signing
    low, high = earlier.get_xlim()
    for bar in bars:
        (left, _), (right, _) = earlier.transData.transform(
            [(bar.get_x(), 0), (bar.get_x() + bar.get_width(), 0)]
        )
        assert right - left >= MIN_MARK_PIXELS - 0.01
        # ... and whole: the signing, widened about its middle, crossed the panel's edge
        assert low <= bar.get_x()
        assert bar.get_x() + bar.get_width() <= high


def test_a_compressed_panel_labels_its_events_years_under_their_own_year(
    store: FactStore,
) -> None:
    first, split = dt.date(1910, 1, 1), dt.date(2018, 1, 1)
    # 2016 stands too near the panel's edge (and the next panel's first label).
    assert compressed_years({1910, 1965, 2016}, first, split) == [1910, 1965]
    assert compressed_years({1910, 1912}, first, split) == [1910]  # no crowding
    figure = timeline_figure(queries.timeline(store))
    assert figure is not None
    ticks = [label.get_text() for label in figure.axes[0].get_xticklabels()]
    assert ticks == ["1910", "1965"]  # not 1964 under the 1965 event


def _requests(world: World) -> list[tuple[str, dict[str, Any]]]:
    """The bot's message posts and edits, with their JSON, in the order sent."""
    return [
        (request.method, request.json)
        for request in world.env.http_requests
        if isinstance(request.json, dict) and "/messages" in request.path
    ]


async def test_the_text_is_sent_before_the_chart_is_drawn(synced: World) -> None:
    """The chart takes a hundred times as long as its answer: the reader gets the words
    at once (a post with no attachment), and the chart is attached to the same message
    by an edit when a worker has drawn it; the slash form edits its original response."""
    await synced.alice.send(synced.channel, "!timeline 2019-08")
    (post, posted), (edit, edited) = _requests(synced)
    assert (post, posted.get("attachments", [])) == ("POST", [])
    assert edit == "PATCH"
    (attached,) = edited["attachments"]
    assert attached["filename"] == "timeline.png"
    message = synced.channel.last_message
    assert message is not None
    assert message.embeds[0].title == "Timeline: August 2019"  # the same message, with
    (attachment,) = message.attachments  # its chart
    assert (await attachment.read()).startswith(PNG_SIGNATURE)
    assert attachment.description == (
        "A chart of Timeline: August 2019: each event on a time axis, in the order the text"
        " above lists them. Above them, a band of the agreement's state: signed from"
        " November 2016 (its day not given) to 2019-08-22; termination notified from"
        " 2019-08-22."
    )
    before = len(synced.env.http_requests)
    await synced.alice.slash(synced.channel, "timeline", period="2019-11")
    sent = [(r.method, r.path) for r in synced.env.http_requests[before:] if r.json]
    assert [method for method, _ in sent] == ["POST", "PATCH"]
    assert sent[0][1].endswith("/callback")  # the text answers the interaction
    assert sent[1][1].endswith("/messages/@original")  # the chart edits that answer


def _no_rows(result: object) -> Chart:
    """A chart the worker cannot draw (no rows: matplotlib is asked the max of none)."""
    return Chart("Timeline", [], [], None)


async def test_a_chart_that_cannot_be_drawn_leaves_the_text_and_says_so_in_one_line(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import briefings.charts

    monkeypatch.setattr(briefings.charts, "timeline_chart", _no_rows)
    await world.alice.send(world.channel, "!timeline 2019-08")
    message = world.channel.last_message
    assert message is not None
    assert message.embeds[0].title == "Timeline: August 2019"  # the text stands
    assert message.attachments == []
    assert message.content == NO_CHART
    (line,) = [r for r in caplog.records if "could not draw the chart" in r.getMessage()]
    assert "ValueError" in line.getMessage()
    assert line.exc_info is None  # one line, no traceback


async def test_a_chart_past_its_deadline_leaves_the_text_and_says_so(world: World) -> None:
    world.bot.charts.deadline = 0  # no drawing is done at once
    await world.alice.send(world.channel, "!timeline 2019-08")
    message = world.channel.last_message
    assert message is not None
    assert (message.content, message.attachments) == (NO_CHART, [])
    assert message.embeds[0].title == "Timeline: August 2019"


async def test_a_chart_is_kept_per_question_and_store_version(world: World) -> None:
    """Asked again, a chart is attached at once (it is not drawn again: a deadline of
    nothing is met); another question, or a new store, is drawn anew."""
    await world.alice.send(world.channel, "!timeline 2019-08")
    world.bot.charts.deadline = 0
    await world.alice.send(world.channel, "!timeline   2019-08")
    again = world.channel.last_message
    assert again is not None
    assert [a.filename for a in again.attachments] == ["timeline.png"]
    await world.alice.send(world.channel, "!timeline 2019-11")
    other = world.channel.last_message
    assert other is not None
    assert other.content == NO_CHART
    world.bot.answers.use_store(world.bot.answers.store)
    await world.alice.send(world.channel, "!timeline 2019-08")
    renewed = world.channel.last_message
    assert renewed is not None
    assert renewed.content == NO_CHART


def test_the_alt_text_is_held_to_discord_s_limit(store: FactStore) -> None:
    """Discord refuses an attachment whose description passes 1,024 characters: a band
    of many stretches is told as far as it fits, cut between words."""
    picture = timeline_picture(queries.timeline(store))
    renderer = Renderer()
    whole = alt_text(renderer, "Timeline", picture.told)
    assert len(whole) < ALT_TEXT_LIMIT
    assert not whole.endswith("…")
    long = alt_text(renderer, "Timeline", picture.told * 20)
    assert len(long) <= ALT_TEXT_LIMIT
    assert long.endswith("…")
    assert long.startswith(whole[:-1])


async def test_starting_the_chart_workers_does_not_hold_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forking the first workers waits for the fork server to have imported matplotlib
    (about 2 s after a start): it happens in a thread while the loop goes on."""
    import asyncio
    import time

    from bot.chart_workers import ChartWorkers

    def slow_start(self: ChartWorkers) -> None:
        time.sleep(0.5)
        raise OSError("no fork server")

    monkeypatch.setattr(ChartWorkers, "_started", slow_start)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    ticking = asyncio.create_task(tick())
    with pytest.raises(OSError, match="no fork server"):
        await ChartWorkers(1).png("q", _no_rows(None))
    ticking.cancel()
    assert ticks >= 10  # the loop ran its other task all along


async def test_no_chart_workers_are_started_after_close(monkeypatch: pytest.MonkeyPatch) -> None:
    """A timeline whose text was sent during shutdown asks for its chart after close():
    it is refused (the reply says the chart could not be drawn), no process is forked."""
    from bot.chart_workers import ChartWorkers

    started: list[ChartWorkers] = []
    monkeypatch.setattr(ChartWorkers, "_started", lambda self: started.append(self))
    workers = ChartWorkers(1)
    await workers.close()
    with pytest.raises(RuntimeError, match="stopped"):
        await workers.png("q", _no_rows(None))
    assert started == []
