"""A local web site for the tests that fetch: an article, a second article, a feed of
both, plain text, a page that changes between fetches, a 404, a 500, a slow response,
a 10 MiB body, malformed XML, a redirect loop and a redirect to a cloud's metadata
address; and the hostile pages: gzip bombs of one and two layers, a body coded three
times over, a page that trickles a byte at a time, 2 MiB of tiny paragraphs, tiny
paragraphs as many as a page may have (slow to read), a feed of 50,000 items, a page
declared UTF-8 with one bad byte, and a feed whose items share one GUID; a feed with an
item that fails while the site is down, and one whose item's summary says more than
its article. The site counts the requests of every path.

The server runs on 127.0.0.1 in a thread of its own (aiohttp, which discord.py brings),
so the code under test can fetch from it on its own event loop. Loopback is not a
public address: the tests allow 127.0.0.1/32 alone (or ALLOW_PRIVATE_URLS, for the
command and the bot), so that a redirect to any other private address is still
refused.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import gzip
import ipaddress
import struct
import threading
import zlib
from collections.abc import Awaitable, Callable, Iterator

import pytest
from aiohttp import web

from briefings.fetching import MAX_BYTES
from briefings.ingest.readers import Readers
from briefings.ingest.web import MAX_ELEMENTS

LOOPBACK = [ipaddress.ip_network("127.0.0.1/32")]

ARTICLE = """<html><head><title>Freedonia closes its ports</title>
<meta name="author" content="Ada Quill">
<meta property="article:published_time" content="2021-03-05">
</head><body><nav>Home | World | Sport</nav><article><h1>Freedonia closes its ports</h1>
<p>Freedonia’s Minister of Ports, Rufus Tadwell, said on Wednesday that his country
would “not sign anything this month”. “We have waited long enough,” he added.</p>
<p>Officials in the capital declined to comment further on the decision.</p>
</article><footer>© Fictional Times</footer></body></html>"""


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _status(code: int) -> Handler:
    async def answer(_: web.Request) -> web.StreamResponse:
        return web.Response(status=code)

    return answer


def _redirect(location: str) -> Handler:
    async def answer(_: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(location)

    return answer


SECOND = """<html><head><title>Freedonia hears from Sylvania</title>
<meta name="author" content="Ada Quill">
<meta property="article:published_time" content="2021-03-08">
</head><body><article><h1>Freedonia hears from Sylvania</h1>
<p>Sylvania’s envoy, Mira Kovac, spoke in the capital on Monday about the ports.
“The door remains open,” said Mira Kovac, who had flown in that morning.</p>
<p>No date was set for further talks between the two neighbouring countries.</p>
</article></body></html>"""


BIG_FEED_ITEMS = 50_000
SAME_GUID = "fictional-times-story"  # the one GUID every item of /same-guid.xml has


@functools.cache
def gzip_of_zeros(mib: int) -> bytes:
    """A gzip member of `mib` MiB of zeros, about a thousandth of that in size, made in
    a blink: after a full flush, deflate codes each further MiB of zeros alike."""
    zeros = bytes(1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (mib << 20) & 0xFFFFFFFF)
    return header + first + again * (mib - 1) + packer.flush() + trailer


@functools.cache
def double_gzip_bomb() -> bytes:
    """Under a kilobyte on the wire, 256 MiB after two layers of gzip."""
    return gzip.compress(gzip_of_zeros(256), 9)


@functools.cache
def tiny_paragraphs(elements: int | None = None) -> bytes:
    """An HTML page of tiny paragraphs, just under the cap (262,000 elements, refused
    unread: trafilatura took 13 minutes and 485 MiB), or of so many elements."""
    head = b"<html><head><title>Tiny</title></head><body><article>"
    tail = b"</article></body></html>"
    paragraph = b"<p>a</p>"
    count = elements or (MAX_BYTES - len(head) - len(tail)) // len(paragraph)
    return head + paragraph * count + tail


@functools.cache
def big_feed() -> bytes:
    """50,000 items (1.7 MB, within the cap), each linking a story of its own."""
    items = "".join(
        f"<item><link>/story/{number}</link></item>" for number in range(BIG_FEED_ITEMS)
    )
    return f"<rss version='2.0'><channel><title>Endless</title>{items}</channel></rss>".encode()


def story(number: int) -> str:
    """Item `number` of the big feed: an article of its own."""
    return ARTICLE.replace("Freedonia closes its ports", f"Freedonia closes port {number}")


@functools.cache
def shared_readers() -> Readers:
    """The readers the watching tests share (closed at the end of the session), so that
    their workers start once, not once a test."""
    return Readers()


@pytest.fixture(scope="session", autouse=True)
def _close_shared_readers() -> Iterator[None]:
    yield
    if shared_readers.cache_info().currsize:
        shared_readers().close()


class Site:
    """The routes a watcher meets, and what the server saw."""

    def __init__(self) -> None:
        self.user_agents: list[str] = []
        self.hosts: list[str] = []
        self.changes = 0
        self.hits = 0
        self.down = False  # /sometimes answers 503 while the site is down
        self.same_guid_items = 1  # how many stories /same-guid.xml lists
        self.story_hits = 0
        self.paths: collections.Counter[str] = collections.Counter()  # requests, by path

    @web.middleware
    async def count(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.paths[request.path] += 1
        return await handler(request)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.count])
        app.router.add_get("/article.html", self.article)
        app.router.add_get("/plain.txt", self.plain)
        app.router.add_get("/missing", _status(404))
        app.router.add_get("/broken", _status(500))
        app.router.add_get("/slow", self.slow)
        app.router.add_get("/huge", self.huge)
        app.router.add_get("/loop", _redirect("/loop"))
        app.router.add_get("/to-metadata", _redirect("http://169.254.169.254/"))
        app.router.add_get("/feed.xml", self.feed)
        app.router.add_get("/feed-as-html", self.feed_as_html)
        app.router.add_get("/news/relative.xml", self.relative_feed)
        app.router.add_get("/bad-feed.xml", self.bad_feed)
        app.router.add_get("/second.html", self.second)
        app.router.add_get("/tagged", self.tagged)
        app.router.add_get("/changing", self.changing)
        app.router.add_get("/sometimes", self.sometimes)
        app.router.add_get("/bomb.html", self.bomb)
        app.router.add_get("/double-bomb.html", self.double_bomb)
        app.router.add_get("/three-codings.html", self.three_codings)
        app.router.add_get("/padded-gzip.html", self.padded_gzip)
        app.router.add_get("/cut-gzip.html", self.cut_gzip)
        app.router.add_get("/trickle.html", self.trickle)
        app.router.add_get("/tiny-paragraphs.html", self.tiny)
        app.router.add_get("/slow-to-read.html", self.slow_to_read)
        app.router.add_get("/big-feed.xml", self.big_feed)
        app.router.add_get("/story/{number}", self.story)
        app.router.add_get("/bad-utf8.html", self.bad_utf8)
        app.router.add_get("/same-guid.xml", self.same_guid)
        app.router.add_get("/with-flaky.xml", self.with_flaky)
        app.router.add_get("/summaries.xml", self.summaries)
        return app

    async def with_flaky(self, request: web.Request) -> web.Response:
        """The article, and /sometimes (503 while the site is down); no GUIDs."""
        base = f"http://{request.host}"
        items = "".join(
            f"<item><title>{title}</title><link>{base}{path}</link></item>"
            for title, path in (
                ("Freedonia closes its ports", "/article.html"),
                ("Freedonia hears from Sylvania", "/sometimes"),
            )
        )
        feed = f"<rss version='2.0'><channel><title>Flaky</title>{items}</channel></rss>"
        return web.Response(text=feed, content_type="application/rss+xml")

    async def summaries(self, request: web.Request) -> web.Response:
        """The article, with a summary (in HTML, as feeds send it) naming what the
        article does not."""
        summary = "&lt;p&gt;Ports shut as talks on &lt;b&gt;GSOMIA&lt;/b&gt; stall&lt;/p&gt;"
        item = (
            "<item><title>Freedonia closes its ports</title>"
            f"<link>http://{request.host}/article.html</link>"
            f"<description>{summary}</description></item>"
        )
        feed = f"<rss version='2.0'><channel><title>Summaries</title>{item}</channel></rss>"
        return web.Response(text=feed, content_type="application/rss+xml")

    async def bomb(self, _: web.Request) -> web.Response:
        """128 KiB of gzip that inflates to 128 MiB."""
        return _coded(gzip_of_zeros(128), "gzip")

    async def double_bomb(self, _: web.Request) -> web.Response:
        return _coded(double_gzip_bomb(), "gzip, gzip")

    async def three_codings(self, _: web.Request) -> web.Response:
        body = gzip.compress(gzip.compress(gzip.compress(ARTICLE.encode())))
        return _coded(body, "gzip, gzip, gzip")

    async def padded_gzip(self, _: web.Request) -> web.Response:
        """A page some servers send: a gzip member, then NULs of padding."""
        return _coded(gzip.compress(ARTICLE.encode()) + b"\x00\x00", "gzip")

    async def cut_gzip(self, _: web.Request) -> web.Response:
        """A page whose gzip stream stops halfway (a proxy that gave up)."""
        whole = gzip.compress(ARTICLE.encode())
        return _coded(whole[: len(whole) // 2], "gzip")

    async def trickle(self, request: web.Request) -> web.StreamResponse:
        """A byte every 50 ms, for ever: each read comes well within any timeout."""
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        while True:
            await response.write(b"<")
            await asyncio.sleep(0.05)

    async def tiny(self, _: web.Request) -> web.Response:
        return web.Response(body=tiny_paragraphs(), content_type="text/html")

    async def slow_to_read(self, _: web.Request) -> web.Response:
        """Tiny paragraphs, as many as a page may have: trafilatura takes a minute."""
        page = tiny_paragraphs(MAX_ELEMENTS - 10)
        return web.Response(body=page, content_type="text/html")

    async def big_feed(self, _: web.Request) -> web.Response:
        return web.Response(body=big_feed(), content_type="application/rss+xml")

    async def story(self, request: web.Request) -> web.Response:
        self.story_hits += 1
        return web.Response(text=story(int(request.match_info["number"])), content_type="text/html")

    async def bad_utf8(self, _: web.Request) -> web.Response:
        """The article, declared UTF-8, with one byte that is not."""
        page = ARTICLE.replace("<head>", '<head><meta charset="utf-8">').encode()
        page = page.replace(b"Officials in", b"Officials \xff in")
        return web.Response(body=page, headers={"Content-Type": "text/html; charset=utf-8"})

    async def same_guid(self, request: web.Request) -> web.Response:
        """A feed whose items all have one GUID: the second story comes later."""
        base = f"http://{request.host}"
        stories = [
            ("Freedonia hears from Sylvania", "/second.html"),
            ("Freedonia closes its ports", "/article.html"),
        ]
        items = "".join(
            f"<item><title>{title}</title><link>{base}{path}</link><guid>{SAME_GUID}</guid></item>"
            for title, path in stories[: self.same_guid_items]
        )
        feed = f"<rss version='2.0'><channel><title>One GUID</title>{items}</channel></rss>"
        return web.Response(text=feed, content_type="application/rss+xml")

    async def article(self, request: web.Request) -> web.Response:
        self.hits += 1
        self.user_agents.append(request.headers.get("User-Agent", ""))
        self.hosts.append(request.headers.get("Host", ""))
        return web.Response(text=ARTICLE, content_type="text/html")

    async def sometimes(self, _: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503)
        return web.Response(text=SECOND, content_type="text/html")

    async def plain(self, _: web.Request) -> web.Response:
        return web.Response(text="Title\n\nA body.\n", content_type="text/plain")

    async def slow(self, _: web.Request) -> web.Response:
        await asyncio.Event().wait()  # never answers: the client's timeout ends it
        raise AssertionError("unreachable")

    async def huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"x" * 65536
        for _ in range(10 * 16):  # 10 MiB, far past the cap
            await response.write(chunk)
        return response

    async def changing(self, _: web.Request) -> web.Response:
        """The article, with one more paragraph at each fetch after the second (an
        article updated as the story goes on)."""
        self.changes += 1
        later = "".join(
            f"<p>Update {n}: officials in the capital said more about the ports.</p>"
            for n in range(max(self.changes - 2, 0))
        )
        return web.Response(
            text=ARTICLE.replace("</article>", later + "</article>"), content_type="text/html"
        )

    async def feed(self, request: web.Request) -> web.Response:
        base = f"http://{request.host}"
        items = "".join(
            f"<item><title>{title}</title><link>{base}{path}</link><guid>{guid}</guid></item>"
            for title, path, guid in (
                ("Freedonia closes its ports", "/article.html", "ft-1"),
                ("Freedonia hears from Sylvania", "/second.html", "ft-2"),
            )
        )
        feed = f"<rss version='2.0'><channel><title>Fictional Times</title>{items}</channel></rss>"
        return web.Response(text=feed, content_type="application/rss+xml")

    async def feed_as_html(self, request: web.Request) -> web.Response:
        """The feed, sent as text/html, as many servers send feeds."""
        feed = await self.feed(request)
        assert feed.text is not None
        return web.Response(text=f'<?xml version="1.0"?>\n{feed.text}', content_type="text/html")

    async def relative_feed(self, _: web.Request) -> web.Response:
        """A feed whose links are relative to its own address (/news/…)."""
        items = "<item><title>Ports</title><link>../article.html</link></item>"
        feed = f"<rss version='2.0'><channel><title>Relative</title>{items}</channel></rss>"
        return web.Response(text=feed, content_type="application/rss+xml")

    async def second(self, _: web.Request) -> web.Response:
        return web.Response(text=SECOND, content_type="text/html")

    async def bad_feed(self, _: web.Request) -> web.Response:
        return web.Response(text="<rss><channel><item>", content_type="application/rss+xml")

    async def tagged(self, request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        return web.Response(
            text="Title\n\nA body.\n", content_type="text/plain", headers={"ETag": '"v1"'}
        )


def _coded(body: bytes, codings: str) -> web.Response:
    """An HTML response whose body is sent as coded (aiohttp compresses nothing)."""
    return web.Response(
        body=body, headers={"Content-Type": "text/html", "Content-Encoding": codings}
    )


async def _stop(runner: web.AppRunner) -> None:
    """Stop serving, and end the handler of /slow, which would wait for ever."""
    await runner.cleanup()
    for task in asyncio.all_tasks():
        if task is not asyncio.current_task():
            task.cancel()


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, Site]]:
    """The server, on a port of its own, in a thread with its own event loop."""
    served = Site()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(served.app(), shutdown_timeout=0.1)  # /slow never ends
    loop.run_until_complete(runner.setup())
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(tcp.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", served
    asyncio.run_coroutine_threadsafe(_stop(runner), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()
