"""Fetching one page over HTTP, as a careful client: for `briefbot sources fetch`.

The rules: http and https only; a timeout for each read and a deadline for the whole
fetch (a site sending a byte a second is cut off); a body of at most 2 MiB once
decoded, counted in every layer of its content coding as it streams and abandoned past
that (`briefings.content_codings`: a small compressed body may inflate to gigabytes);
at most 5 redirects, each followed by hand so that every hop is checked; a
`User-Agent` naming the bot; a conditional GET when an ETag or Last-Modified is
known. No address on loopback, a private or link-local network (169.254.169.254 is a
cloud's metadata service), or otherwise not public, is fetched, before or after a
redirect, unless the operator allows private addresses (`ALLOW_PRIVATE_URLS`). Every
refusal and failure is a `FetchError` of one line.

The connection goes to the address that was checked, not to whatever the name
resolves to a moment later (DNS rebinding): the request is sent to that address,
with the name in its `Host` header and, for https, as the TLS server name, against
which the certificate is verified.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefings.content_codings import ACCEPTED, CodingError, Decoder, TooLargeError
from briefings.errors import BriefingError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEADLINE_SECONDS",
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "USER_AGENT",
    "FetchError",
    "Fetched",
    "check_url",
    "fetch",
    "refused_address",
]

USER_AGENT = "briefbot/0.1 (a Discord briefing bot that cites its sources)"
MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 20.0  # for each read
DEADLINE_SECONDS = 60.0  # for the whole fetch: 2 MiB at 35 KiB/s, redirects included
NOT_MODIFIED = 304  # a conditional GET's answer: the page is as it was

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]


class FetchError(BriefingError):
    """A page that was not fetched; the message says why, in one line."""


@dataclass(frozen=True)
class Fetched:
    """A page as the server sent it (its body decoded, at most `MAX_BYTES`)."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    etag: str | None
    last_modified: str | None
    charset: str | None = None  # as the Content-Type declares it

    @property
    def not_modified(self) -> bool:
        """The server said the page is as it was (a conditional GET's 304)."""
        return self.status == NOT_MODIFIED


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise FetchError(f"cannot find {host}: {error.strerror}") from None
    return [str(info[4][0]) for info in infos]


def refused_address(address: Address, allowed: Iterable[Network]) -> bool:
    """True for an address that is not public (loopback, private, link-local, reserved,
    multicast, unspecified) and in none of the `allowed` networks."""
    if any(address in network for network in allowed):
        return False
    return not address.is_global or address.is_multicast


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS settings every fetch shares. Loading the certificate store costs some
    30 ms, more than fetching a page from a nearby server: once per process, not once
    per fetch (a poll of 50 feeds makes a thousand). httpx is imported with them."""
    import certifi  # httpx's own certificate store, as its default uses
    import httpx  # noqa: F401

    return ssl.create_default_context(cafile=certifi.where())


def check_url(text: str) -> str:
    """The address as typed, if it is one that may be fetched (http or https, with a
    host); `FetchError` in one line if not. Discord's `<…>` (no preview) is taken off."""
    typed = text.strip()
    if typed.startswith("<") and typed.endswith(">"):
        typed = typed[1:-1].strip()
    return str(_checked_url(typed))


def _checked_url(text: str) -> httpx.URL:
    # httpx is imported when a page is first fetched, not when the bot starts (some
    # megabytes a bot that watches nothing would keep for nothing).
    import httpx

    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as error:
        raise FetchError(f"not a URL: {text!r} ({error})") from None
    if url.scheme not in ("http", "https"):
        raise FetchError(f"only http and https are fetched, not {url.scheme or 'no scheme'}")
    if not url.host:
        raise FetchError(f"no host in {text!r}")
    return url


async def _checked_address(url: httpx.URL, allowed: list[Network], resolve: Resolver) -> Address:
    """The address to connect to for `url`. Every address its name has must be allowed:
    a name with one private address among public ones is refused."""
    port = url.port or (443 if url.scheme == "https" else 80)
    found = await resolve(url.host, port)
    addresses = [ipaddress.ip_address(text.split("%", 1)[0]) for text in found]  # no zone
    if not addresses:
        raise FetchError(f"cannot find {url.host}")
    for address in addresses:
        if refused_address(address, allowed):
            raise FetchError(
                f"{url.host} is at {address}, not a public address; "
                "set ALLOW_PRIVATE_URLS=true to fetch such pages"
            )
    return addresses[0]


async def fetch(
    url: str,
    *,
    allow_private: bool = False,
    allowed_networks: Iterable[Network] = (),
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
    deadline: float = DEADLINE_SECONDS,
    resolve: Resolver = _resolve,
) -> Fetched:
    """Fetch `url` by the rules above, each read within `timeout` seconds and the
    whole of it within `deadline`; `FetchError` in one line if it cannot be."""
    allowed = list(allowed_networks)
    if allow_private:
        allowed += [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPTED}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    # The first fetch imports httpx and loads the certificates: most of a second on a
    # busy machine, in a thread, not on the event loop.
    tls = await asyncio.to_thread(_tls)
    current = _checked_url(url)
    import httpx

    client = httpx.AsyncClient(timeout=timeout, follow_redirects=False, verify=tls)
    async with client:
        try:
            async with asyncio.timeout(deadline):
                return await _follow(client, url, current, allowed, resolve, headers, timeout)
        except TimeoutError:
            raise FetchError(
                f"{current.host} did not send the whole page within {deadline:g} s"
            ) from None


async def _follow(
    client: httpx.AsyncClient,
    url: str,
    current: httpx.URL,
    allowed: list[Network],
    resolve: Resolver,
    headers: dict[str, str],
    timeout: float,
) -> Fetched:
    """The page at `current`, each redirect checked and followed by hand."""
    import httpx

    for _ in range(MAX_REDIRECTS + 1):
        address = await _checked_address(current, allowed, resolve)
        try:
            fetched = await _get(client, url, current, address, headers)
        except httpx.TimeoutException:
            raise FetchError(f"{current.host} did not answer within {timeout:g} s") from None
        except httpx.HTTPError as error:
            raise FetchError(f"cannot fetch {current}: {error}") from None
        if isinstance(fetched, Fetched):
            return fetched
        current = _checked_url(str(current.join(fetched)))
    raise FetchError(f"more than {MAX_REDIRECTS} redirects from {url}")


async def _get(
    client: httpx.AsyncClient,
    asked: str,
    url: httpx.URL,
    address: Address,
    headers: dict[str, str],
) -> Fetched | str:
    """The page, or where a redirect points, from `address` (the one checked)."""
    pinned = url.copy_with(host=str(address))
    host = url.host if url.port is None else f"{url.host}:{url.port}"
    request = client.build_request(
        "GET", pinned, headers={**headers, "Host": host}, extensions={"sni_hostname": url.host}
    )
    response = await client.send(request, stream=True)
    try:
        if response.is_redirect and "location" in response.headers:
            return response.headers["location"]
        if response.status_code >= 400:
            raise FetchError(f"{url} answered {response.status_code} {response.reason_phrase}")
        body = await _decoded_body(response, url)
        return Fetched(
            url=asked,
            final_url=str(url),
            status=response.status_code,
            content_type=response.headers.get("content-type", "").split(";")[0].strip(),
            body=body,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            charset=response.charset_encoding,
        )
    finally:
        await response.aclose()


async def _decoded_body(response: httpx.Response, url: httpx.URL) -> bytes:
    """The body with its content codings undone, read raw off the wire: httpx would
    inflate each network chunk whole before the cap could be checked."""
    try:
        decoder = Decoder(response.headers.get("content-encoding", ""), MAX_BYTES)
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
        decoder.finish()
    except CodingError as error:
        raise FetchError(f"{url} {error}") from None
    except TooLargeError:
        raise FetchError(f"{url} is larger than {MAX_BYTES // 1024 // 1024} MiB") from None
    return bytes(decoder.body)
