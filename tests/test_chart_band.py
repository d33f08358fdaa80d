"""The band of the agreement's state above the timeline's marks: the spans of the same
fold `!gsomia history` answers from, drawn stretch by stretch (read as data, not
pixels), what the sources leave unknown drawn as unknown, and told in the alt text."""

from __future__ import annotations

import datetime as dt

import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba_array

from briefings import queries
from briefings.charts import (
    DISPUTED,
    Segment,
    timeline_band,
    timeline_figure,
    timeline_marks,
    timeline_picture,
)
from briefings.dates import FuzzyDate
from briefings.loading import load_store
from briefings.rendering import Renderer
from briefings.store import FactStore, MemoryFactStore
from tests.agreement import agreement_seeds

day = dt.date


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> MemoryFactStore:
    return load_store(agreement_seeds(tmp_path_factory.mktemp("band") / "seeds"))


def _band(store: FactStore, period: str | None = None) -> list[Segment]:
    result = queries.timeline(store, FuzzyDate.parse(period) if period else None)
    return timeline_band(result, timeline_marks(result))


def _stretches(band: list[Segment]) -> list[tuple[str, dt.date, dt.date, str]]:
    return [(s.kind, s.start, s.end, s.label) for s in band]


def test_the_band_is_the_history_s_spans_with_the_unknown_drawn_as_unknown(
    store: FactStore,
) -> None:
    """Before the signing nothing is on record; the signing is known to the month, so
    its month is drawn as unsure; after the last source (2019-11-22) nothing is known,
    though the chart reaches the expiry expected on 2019-11-23."""
    assert _stretches(_band(store)) == [
        ("none", day(1910, 1, 1), day(2016, 10, 31), "no step on record"),
        ("unsure", day(2016, 11, 1), day(2016, 11, 30), "signed"),
        ("state", day(2016, 12, 1), day(2019, 8, 21), "signed"),
        ("state", day(2019, 8, 22), day(2019, 11, 22), "termination notified"),
        ("after", day(2019, 11, 23), day(2019, 11, 23), "after the last source"),
    ]


def test_the_band_draws_the_fold_the_history_lists_not_a_second_one(store: FactStore) -> None:
    result = queries.timeline(store)
    history = queries.history(store)
    assert result.state == history.state
    assert result.state is not None
    band = timeline_band(result, timeline_marks(result))
    drawn = [segment.span for segment in band if segment.span is not None]
    assert drawn
    assert all(any(span is s for s in result.state.spans) for span in drawn)


def test_the_band_follows_the_record_as_it_grows(grown: FactStore) -> None:
    assert _stretches(_band(grown, "2019-08/2019-12")) == [
        ("state", day(2018, 8, 24), day(2019, 8, 21), "in force (extended)"),
        ("state", day(2019, 8, 22), day(2019, 11, 21), "termination notified"),
        ("state", day(2019, 11, 22), day(2023, 3, 20), "termination suspended (conditionally)"),
    ]
    whole = _band(grown)
    assert whole[-1].label == "in force (normalized)"
    assert whole[-1].kind == "state"  # the last source is the last step's: nothing after


def test_no_band_where_the_chart_reaches_no_step(store: FactStore) -> None:
    assert _band(store, "1965") == []
    figure = timeline_figure(queries.timeline(store, FuzzyDate.parse("1965")))
    assert figure is not None
    assert len(figure.legends) == 1  # the marks' legend only


def test_the_band_is_two_collections_however_many_stretches(grown: FactStore) -> None:
    """One broken_barh for the states and one for the hatched unknown, in each panel:
    each draw call costs, a stretch in a collection hardly does."""
    figure = timeline_figure(queries.timeline(grown))
    assert figure is not None
    for axes in figure.axes:
        states, unknown = [c for c in axes.collections if isinstance(c, PolyCollection)]
        assert len(states.get_paths()) == 5  # signed, extended, notified, suspended, normalized
        assert len(unknown.get_paths()) == 2  # before the signing, and its month
        assert unknown.get_hatch() == "///"
    assert "GSOMIA's state" in [text.get_text() for text in figure.axes[0].texts]
    # The suspension's stretch is wide enough to be labelled in place; the others are
    # told by the legend, each state once.
    inside = [text.get_text() for text in figure.axes[1].texts]
    assert "termination suspended (conditionally)" in inside
    legend = [text.get_text() for text in figure.legends[1].get_texts()]
    assert legend == [
        "state: signed",
        "state: in force",
        "state: termination notified",
        "its day not given",
        "not on record",
    ]
    month = timeline_figure(queries.timeline(grown, FuzzyDate.parse("2019-11")))
    assert month is not None
    assert [text.get_text() for text in month.legends[1].get_texts()] == [
        "state: termination suspended"  # its sliver at the month's end; the rest in place
    ]


def test_a_state_that_does_not_follow_is_edged_as_disputed(store: FactStore) -> None:
    """A step that does not follow from the one before (the fold's `follows`) is a
    disagreement of the sources: its stretch is edged in the disputed colour."""
    result = queries.timeline(store, FuzzyDate.parse("2019-11"))
    assert result.state is not None
    signed, notified = result.state.spans
    odd = result.state.model_copy(
        update={"spans": [signed, notified.model_copy(update={"follows": False})]}
    )
    figure = timeline_figure(result.model_copy(update={"state": odd}))
    assert figure is not None
    states = next(c for c in figure.axes[0].collections if isinstance(c, PolyCollection))
    edges = to_rgba_array(states.get_edgecolor())
    assert (edges == to_rgba_array(["#ffffff", DISPUTED])).all()


def test_the_alt_text_tells_the_band(store: FactStore, grown: FactStore) -> None:
    renderer = Renderer()

    def alt(of: FactStore, period: str | None) -> str:
        result = queries.timeline(of, FuzzyDate.parse(period) if period else None)
        told = timeline_picture(result).told
        return renderer.fragment("discord/picture_alt.txt.j2", title="Timeline", band=told)

    assert alt(store, None).endswith(
        " Above them, a band of the agreement's state: no step on record before November"
        " 2016; signed from November 2016 (its day not given) to 2019-08-22; termination"
        " notified from 2019-08-22; not on record after 2019-11-22, the last source."
    )
    # A month inside the signing's month tells the span once, unsure as it is.
    assert alt(store, "2016-11").endswith(
        "state: signed from November 2016 (its day not given) to 2019-08-22."
    )
    assert alt(grown, "2019-11").endswith(
        "termination suspended (conditionally) from 2019-11-22 to 2023-03-21."
    )
    assert "band" not in alt(store, "1965")
