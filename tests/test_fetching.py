"""Fetching a page to draft: the rules of a careful client, against the local web
site of `tests/web_site.py`."""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from briefings.content_codings import CodingError, Decoder, TooLargeError
from briefings.fetching import MAX_BYTES, USER_AGENT, FetchError, fetch, refused_address
from briefings.ingest.seen import claim
from briefings.ingest.web import WebPage, feed_items, page_text
from briefings.storage import Database
from tests.races import race
from tests.test_posting import database_url, fresh_database
from tests.web_site import ARTICLE, LOOPBACK, Site, double_gzip_bomb, gzip_of_zeros

MIB = 1024 * 1024


async def test_an_article_is_fetched_with_the_bot_s_name(site: tuple[str, Site]) -> None:
    base, served = site
    fetched = await fetch(f"{base}/article.html", allowed_networks=LOOPBACK)
    assert fetched.status == 200
    assert fetched.content_type == "text/html"
    assert served.user_agents[-1] == USER_AGENT
    page = page_text(fetched)
    assert page.url == f"{base}/article.html"
    text = page.text
    assert text.startswith("Freedonia closes its ports\nMarch 5, 2021 by Ada Quill\n\n")
    assert "“We have waited long enough,” he added." in text
    assert "Home | World" not in text  # the page's furniture is left out


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "answered 404 Not Found"),
        ("/broken", "answered 500 Internal Server Error"),
        ("/huge", f"is larger than {MAX_BYTES // 1024 // 1024} MiB"),
        ("/loop", "more than 5 redirects"),
        ("/to-metadata", "169.254.169.254 is at 169.254.169.254, not a public address"),
    ],
)
async def test_what_is_not_fetched_says_why_in_one_line(
    site: tuple[str, Site], path: str, message: str
) -> None:
    base, _ = site
    with pytest.raises(FetchError) as raised:
        await fetch(f"{base}{path}", allowed_networks=LOOPBACK)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


async def test_a_server_that_does_not_answer_times_out(site: tuple[str, Site]) -> None:
    base, _ = site
    with pytest.raises(FetchError, match=r"did not answer within 0\.2 s"):
        await fetch(f"{base}/slow", allowed_networks=LOOPBACK, timeout=0.2)


async def test_loopback_is_refused_before_any_request(site: tuple[str, Site]) -> None:
    base, served = site
    hits = served.hits
    with pytest.raises(FetchError, match=r"127\.0\.0\.1 is at 127\.0\.0\.1, not a public address"):
        await fetch(f"{base}/article.html")
    assert served.hits == hits


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "example.org"])
async def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https are fetched"):
        await fetch(url)


async def test_a_page_known_by_its_etag_is_not_fetched_again(site: tuple[str, Site]) -> None:
    base, _ = site
    first = await fetch(f"{base}/tagged", allowed_networks=LOOPBACK)
    assert (first.etag, first.not_modified) == ('"v1"', False)
    again = await fetch(f"{base}/tagged", allowed_networks=LOOPBACK, etag=first.etag)
    assert again.not_modified


async def test_a_feed_s_items_are_read(site: tuple[str, Site]) -> None:
    base, _ = site
    title, items = feed_items(await fetch(f"{base}/feed.xml", allowed_networks=LOOPBACK))
    assert title == "Fictional Times"
    assert [(item.guid, item.link) for item in items] == [
        ("ft-1", f"{base}/article.html"),
        ("ft-2", f"{base}/second.html"),
    ]


async def test_malformed_xml_is_not_a_feed_in_one_line(site: tuple[str, Site]) -> None:
    base, _ = site
    fetched = await fetch(f"{base}/bad-feed.xml", allowed_networks=LOOPBACK)
    with pytest.raises(FetchError, match="is not a feed that can be read: ") as raised:
        feed_items(fetched)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),
        ("0.0.0.0", True),
        ("100.64.0.1", True),  # carrier-grade NAT
        ("::1", True),
        ("fe80::1", True),
        ("fd00::1", True),
        ("224.0.0.1", True),
        ("93.184.216.34", False),
        ("2606:4700:4700::1111", False),
    ],
)
def test_which_addresses_are_refused(address: str, refused: bool) -> None:
    assert refused_address(ipaddress.ip_address(address), []) is refused


def test_the_command_drafts_a_fetched_article(
    site: tuple[str, Site],
    seeds_copy: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, _ = site
    url = f"{base}/article.html"
    assert main(["--seeds", str(seeds_copy), "sources", "fetch", url]) == 1
    refused = capsys.readouterr().err
    assert refused == (
        "Not fetched: 127.0.0.1 is at 127.0.0.1, not a public address; "
        "set ALLOW_PRIVATE_URLS=true to fetch such pages\n"
    )
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "true")
    assert main(["--seeds", str(seeds_copy), "sources", "fetch", url]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Fetched {url} as web_")
    assert "Quotes found: 2" in out
    assert "Rufus Tadwell" in out
    drafted = sorted(p.suffix for p in (seeds_copy / "annotations" / "drafts").glob("web_*"))
    assert drafted == [".txt", ".yaml"]  # the page and its draft, as ingest leaves them


async def test_the_connection_goes_to_the_address_that_was_checked(
    site: tuple[str, Site],
) -> None:
    """A name is resolved once, checked, and that address is the one connected to (with
    the name in the Host header): a second lookup cannot swap in a private address.
    `news.test` exists only in this resolver, so only the checked address could serve."""
    base, served = site
    port = base.rsplit(":", 1)[1]

    async def resolve(host: str, _: int) -> list[str]:
        assert host == "news.test"
        return ["127.0.0.1"]

    url = f"http://news.test:{port}/article.html"
    fetched = await fetch(url, allowed_networks=LOOPBACK, resolve=resolve)
    assert fetched.final_url == url
    assert served.hosts[-1] == f"news.test:{port}"


async def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    async def resolve(_: str, __: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    with pytest.raises(FetchError, match=r"is at 10\.0\.0\.7, not a public address"):
        await fetch("https://news.test/a", resolve=resolve)


@pytest.fixture
def fetch_command(
    site: tuple[str, Site], seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], list[str]]:
    """`briefbot sources fetch` of a path of the site, with loopback allowed."""
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "true")
    base, _ = site
    return lambda path: ["--seeds", str(seeds_copy), "sources", "fetch", f"{base}{path}"]


def test_an_article_is_drafted_once_and_an_edited_one_again(
    site: tuple[str, Site],
    seeds_copy: Path,
    capsys: pytest.CaptureFixture[str],
    fetch_command: Callable[[str], list[str]],
) -> None:
    base, _ = site
    command = fetch_command("/changing")
    assert main(command) == 0
    first = capsys.readouterr().out.splitlines()[0]
    name = first.rsplit(" as ", 1)[1].removesuffix(".")
    assert main(command) == 0  # the same text again: nothing new
    assert capsys.readouterr().out == (
        f"Already drafted from {base}/changing as {name}: nothing new.\n"
    )
    assert main(command) == 0  # one paragraph more: the next edition
    lines = capsys.readouterr().out.splitlines()
    edition = name.removesuffix(".txt") + "-2.txt"
    assert lines[:2] == [
        f"Fetched {base}/changing as {edition}.",
        f"An edited version of {name}: 1 paragraph added, 0 removed.",
    ]
    drafts = seeds_copy / "annotations" / "drafts"
    assert sorted(p.name for p in drafts.glob("web_*.txt")) == [edition, name]


def test_two_processes_claim_one_article_once(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    fresh_database(url).dispose()
    page = WebPage("https://news.test/story", "Title\n\nA body.\n")
    now = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    outcomes = race(2, lambda _: claim(Database(url), page, now).new)
    assert sorted(outcomes) == [False, True]


def test_a_feed_s_new_items_are_drafted_once_each(
    seeds_copy: Path,
    capsys: pytest.CaptureFixture[str],
    fetch_command: Callable[[str], list[str]],
) -> None:
    command = fetch_command("/feed.xml")
    assert main(command) == 0
    out = capsys.readouterr().out
    assert out.startswith("Feed “Fictional Times”: 2 items, 2 new.\n")
    assert "Item 1 of 2: Freedonia closes its ports" in out
    assert "Item 2 of 2: Freedonia hears from Sylvania" in out
    assert out.count("Quotes found:") == 2  # one report per item, as ingest prints
    drafts = seeds_copy / "annotations" / "drafts"
    assert len(list(drafts.glob("web_*.yaml"))) == 2
    assert main(command) == 0
    assert capsys.readouterr().out == "Feed “Fictional Times”: 2 items, none new.\n"


@pytest.mark.parametrize("path", ["/bomb.html", "/double-bomb.html"])
async def test_a_gzip_bomb_is_given_up_at_the_cap_never_inflated(
    site: tuple[str, Site], path: str
) -> None:
    """128 KiB that inflate to 128 MiB, and 684 bytes that inflate to 256 MiB through
    two layers: each is abandoned once 2 MiB are decoded, and memory never holds more
    than a few times that (the old fetch inflated each network chunk whole first)."""
    base, _ = site
    gzip_of_zeros(128), double_gzip_bomb()  # made by the site before the count starts
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"is larger than 2 MiB$"):
            await fetch(f"{base}{path}", allowed_networks=LOOPBACK)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MIB, f"{peak / MIB:.0f} MiB at the peak"


async def test_a_body_coded_three_times_over_is_refused_in_one_line(
    site: tuple[str, Site],
) -> None:
    base, _ = site
    with pytest.raises(FetchError) as raised:
        await fetch(f"{base}/three-codings.html", allowed_networks=LOOPBACK)
    assert str(raised.value) == (
        f"{base}/three-codings.html is coded 3 times over (gzip, gzip, gzip); at most 2 are read"
    )


async def test_a_gzip_page_with_padding_after_it_is_read_and_one_cut_off_is_refused(
    site: tuple[str, Site],
) -> None:
    """Bytes after the gzip member are ignored, as browsers ignore them (they were read
    as a member, which failed the page); a stream that stops short is a page cut off,
    refused in one line (it was drafted as if whole)."""
    base, _ = site
    fetched = await fetch(f"{base}/padded-gzip.html", allowed_networks=LOOPBACK)
    assert fetched.body == ARTICLE.encode()
    with pytest.raises(FetchError) as raised:
        await fetch(f"{base}/cut-gzip.html", allowed_networks=LOOPBACK)
    assert str(raised.value) == (
        f"{base}/cut-gzip.html was cut off: its compressed data stops before their end"
    )


async def test_a_site_that_trickles_is_cut_off_at_the_deadline(site: tuple[str, Site]) -> None:
    """A byte every 50 ms comes well within the 10 s allowed for each read: the whole
    fetch's deadline ends it."""
    base, _ = site
    with pytest.raises(FetchError, match=r"did not send the whole page within 0\.5 s$"):
        await fetch(f"{base}/trickle.html", allowed_networks=LOOPBACK, timeout=10, deadline=0.5)


def _decoded(header: str, body: bytes, step: int = 7) -> bytes:
    decoder = Decoder(header, MAX_BYTES)
    for start in range(0, len(body), step):  # the bytes as they come off the wire
        decoder.feed(body[start : start + step])
    decoder.finish()
    return bytes(decoder.body)


def test_each_coding_is_undone_as_it_streams() -> None:
    text = ARTICLE.encode()
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert _decoded("", text) == text
    assert _decoded("identity", text) == text
    assert _decoded("gzip", gzip.compress(text)) == text
    assert _decoded("x-gzip", gzip.compress(text) + gzip.compress(text)) == text * 2  # members
    assert _decoded("deflate", zlib.compress(text)) == text
    assert _decoded("deflate", raw_deflate.compress(text) + raw_deflate.flush()) == text
    assert _decoded("deflate, gzip", gzip.compress(zlib.compress(text))) == text
    with pytest.raises(TooLargeError):
        _decoded("gzip", gzip_of_zeros(3), step=65536)
    with pytest.raises(CodingError, match="is sent in the br coding, which is not read"):
        Decoder("br", MAX_BYTES)
    with pytest.raises(CodingError, match="does not decode as it says it is coded"):
        _decoded("gzip", b"not gzip at all")


@pytest.mark.parametrize("step", [1, 7, 65536])
@pytest.mark.parametrize("after", [b"\x00", b"\x00\x00", b"\x1f", b"\x00" * 512, b"<html>"])
def test_bytes_after_a_gzip_member_that_start_no_member_are_ignored(
    step: int, after: bytes
) -> None:
    """As browsers and zcat do; only the magic `\\x1f\\x8b` starts another member."""
    assert _decoded("gzip", gzip.compress(b"hello") + after, step) == b"hello"
    members = gzip.compress(b"hello") + gzip.compress(b" world") + after
    assert _decoded("gzip", members, step) == b"hello world"
    assert _decoded("deflate, gzip", gzip.compress(zlib.compress(b"hello")) + after) == b"hello"


@pytest.mark.parametrize("header", ["gzip", "deflate", "deflate, gzip"])
def test_a_compressed_body_cut_off_is_refused_not_taken_as_whole(header: str) -> None:
    whole = {
        "gzip": gzip.compress(ARTICLE.encode()),
        "deflate": zlib.compress(ARTICLE.encode()),
        "deflate, gzip": gzip.compress(zlib.compress(ARTICLE.encode())),
    }[header]
    for cut in (1, len(whole) // 2, len(whole) - 1):
        with pytest.raises(CodingError, match=r"^was cut off: its compressed data stops"):
            _decoded(header, whole[:cut])
    assert _decoded(header, whole) == ARTICLE.encode()
    assert _decoded(header, b"") == b""  # an empty body (a 304's) is not cut off


async def test_a_page_declared_utf8_with_a_bad_byte_is_read_as_declared(
    site: tuple[str, Site],
) -> None:
    """One bad byte is replaced; the page is not guessed to be another encoding (which
    made every curly quote mojibake)."""
    base, _ = site
    page = page_text(await fetch(f"{base}/bad-utf8.html", allowed_networks=LOOPBACK))
    assert "Freedonia’s Minister of Ports, Rufus Tadwell," in page.text
    assert "Officials \ufffd in the capital" in page.text
