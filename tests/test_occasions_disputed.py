"""A countdown on the day itself to an expected step that sources published by then say
happened: confirmed, it says so; disputed (903 reports the suspension of 2019-11-22,
906 an expiry of 2019-11-23), it says the sources disagree, citing each side, never
"an expectation reported by the sources" as if nothing were known."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefings.loading import load_store
from briefings.occasions import OccasionKind, digest_for
from briefings.rendering import Renderer
from tests.agreement import agreement_seeds

SUSPENDED = "903_hanbit_20191122.txt"
EXPIRED = "906_daeyang_20191123.txt"
THE_DAY = dt.date(2019, 11, 23)
PLAIN = "This is an expectation reported by the sources, not an announced fact."


def _countdown(tmp_path: Path, pages: tuple[str, ...], template_set: str = "default") -> str:
    store = load_store(agreement_seeds(tmp_path / "seeds", pages)) if pages else load_store()
    digest = digest_for(store, THE_DAY)
    assert digest is not None
    (occasion,) = digest.occasions
    assert (occasion.kind, occasion.days_left) == (OccasionKind.COUNTDOWN, 0)
    renderer = Renderer()
    return renderer.text(renderer.briefing(digest, template_set))


def test_a_disputed_countdown_says_the_sources_disagree_citing_both(tmp_path: Path) -> None:
    text = _countdown(tmp_path, (SUSPENDED, EXPIRED))
    assert (
        "• Today, 2019-11-23: GSOMIA is expected to expire [1] (expected; the sources"
        " disagree whether it happened, one says termination suspended, conditionally, on"
        " 2019-11-22 [2], another says expired on 2019-11-23 [3])\n"
    ) in text
    assert PLAIN not in text
    assert "[2] line 3: “South Korea on Friday conditionally suspended" in text
    assert "[3] line 3: “The military intelligence-sharing pact between South Korea" in text


def test_the_terse_wording_says_so_too(tmp_path: Path) -> None:
    text = _countdown(tmp_path, (SUSPENDED, EXPIRED), "terse")
    assert "• 2019-11-23 (today): GSOMIA is expected to expire [1] (expected; the sources" in text
    assert "another says expired on 2019-11-23 [3])" in text


def test_a_countdown_to_a_step_a_source_says_happened_says_it_happened(tmp_path: Path) -> None:
    text = _countdown(tmp_path, (EXPIRED,))
    assert (
        "• Today, 2019-11-23: GSOMIA is expected to expire [1] (expected, and it happened:"
        " expired on 2019-11-23 [2])\n"
    ) in text
    assert PLAIN not in text


def test_a_countdown_nothing_decided_stays_a_plain_countdown(tmp_path: Path) -> None:
    text = _countdown(tmp_path, ())  # the seeds alone
    assert "• Today, 2019-11-23: GSOMIA is expected to expire [1]\n" in text
    assert PLAIN in text
