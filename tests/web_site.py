"""A local web site for the tests that fetch: an article, a second article, a feed of
both, plain text, a page that changes between fetches, a 404, a 500, a slow response,
a 10 MiB body, malformed XML, a redirect loop and a redirect to a cloud's metadata
address.

The server runs on 127.0.0.1 in a thread of its own (aiohttp, which discord.py brings),
so the code under test can fetch from it on its own event loop. Loopback is not a
public address: the tests allow 127.0.0.1/32 alone (or ALLOW_PRIVATE_URLS, for the
command and the bot), so that a redirect to any other private address is still
refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import threading
from collections.abc import Awaitable, Callable, Iterator

import pytest
from aiohttp import web

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


class Site:
    """The routes a watcher meets, and what the server saw."""

    def __init__(self) -> None:
        self.user_agents: list[str] = []
        self.hosts: list[str] = []
        self.changes = 0
        self.hits = 0
        self.down = False  # /sometimes answers 503 while the site is down

    def app(self) -> web.Application:
        app = web.Application()
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
        return app

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
