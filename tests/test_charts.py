"""The timeline picture: what is drawn for each kind of date (read as data, not
pixels), that the PNG is a real image of a legible size, and that Discord and the CLI
attach it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image

from bot.app import BriefBot
from bot.cli import main
from briefings import queries
from briefings.answers import Answerer
from briefings.charts import (
    DPI,
    MARGIN_INCHES,
    MAX_ROWS,
    ROW_INCHES,
    WIDTH_INCHES,
    Mark,
    timeline_marks,
    timeline_png,
)
from briefings.dates import FuzzyDate
from briefings.loading import load_store
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
    assert marks["Tokyo and Seoul sign GSOMIA, letting their…"] == Mark(
        "Tokyo and Seoul sign GSOMIA, letting their…", "span", day(2016, 11, 1), day(2016, 11, 30)
    )
    # A range is a bar from its first to its last possible day; a year is one too.
    washington = marks["Washington presses Seoul to remain in GSOMIA"]
    assert (washington.kind, washington.start, washington.end) == (
        "bar",
        day(2019, 6, 1),
        day(2019, 11, 22),
    )
    assert marks["Japan occupies the Korean peninsula"].kind == "bar"
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
    assert marks["Tokyo summons the South Korean ambassador t…"].kind == "point"


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


def test_the_answerer_draws_once_per_question(answerer: Answerer) -> None:
    first = answerer.picture("timeline", period="2019-08", actor=None)
    assert first is not None
    assert answerer.picture("timeline", period="2019-08", actor=None) is first
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

    monkeypatch.setattr(briefings.charts, "timeline_png", broken)
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
    assert [mark.kind for mark in timeline_marks(result)] == ["bar", "bar", "point"]
    single = queries.timeline(store, FuzzyDate.parse("2019-11-21"), "kang kyung-wha")
    assert len(single.events) == 1
    assert timeline_png(single).startswith(PNG_SIGNATURE)
