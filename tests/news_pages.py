"""News pages shaped as real ones are: an article of a dozen paragraphs under a head of
meta tags, style and scripts (a page's state as a JSON blob of tens of kilobytes),
a mega-menu with icons, breadcrumbs, share buttons, advertising slots and "read more"
boxes between the paragraphs, a most-read column and a sitemap footer. 50 to 200 KiB
of HTML, a few thousand elements, as the pages of wire services, newspapers and
broadcasters are; the markup is generated, the articles are ours (invented people).

`PAGES` holds each page with the paragraphs its article prints, in order: what the
reader must give back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class NewsPage:
    """A page to read, and what its article says."""

    name: str
    title: str
    date: str  # ISO, as the page's meta tags give it
    author: str
    paragraphs: tuple[str, ...]
    html: str


WIRE = (
    "Seoul, Tokyo resume ministerial talks on intelligence pact",
    "2024-06-14",
    "Han Do-yun",
    (
        "SEOUL, June 14 (Newswire) -- South Korea and Japan resumed ministerial talks on "
        "their military intelligence-sharing pact on Friday, the first such meeting in "
        "nearly two years, the foreign ministry said.",
        "Vice Foreign Minister Yoo Seon-hwa and her Japanese counterpart, Akimoto Renji, "
        "met for about 90 minutes at a hotel in central Seoul and agreed to hold working-"
        "level consultations every quarter, according to the ministry.",
        "\u201cBoth sides recognized that the exchange of information on missile launches "
        "must not be interrupted again,\u201d Yoo told reporters after the meeting.",
        "The General Security of Military Information Agreement, signed in 2016, allows "
        "the two countries to share classified military information directly rather than "
        "through the United States.",
        "Akimoto said Tokyo welcomed what he called a practical approach. \u201cWe do not "
        "need to agree on everything to agree on this,\u201d he said.",
        "The ministry said the two officials also discussed export controls and the "
        "planned visit of a Japanese trade delegation in the autumn, without giving "
        "details.",
        "Opposition lawmakers in Seoul questioned the timing of the talks. \u201cThe "
        "government owes the public an explanation of what was promised,\u201d Rep. Gong "
        "Min-seok of the Civic Renewal Party said in a statement.",
        "A senior defense ministry official, speaking on condition of anonymity, said "
        "the military had received information from Japan within minutes of a launch "
        "last month.",
        "The next round of working-level talks is expected in Tokyo in September.",
    ),
)

NEWSPAPER = (
    "Lawmakers press defense chief over pact's renewal notice",
    "2024-08-21",
    "Moon Ji-ho",
    (
        "Defense Minister Baek Seung-hoon faced sharp questions from lawmakers on "
        "Wednesday over whether the government had prepared a notice to end the "
        "intelligence-sharing pact with Japan, days before the deadline for such a "
        "notice passes.",
        "Baek told the National Assembly's defense committee that no decision had been "
        "made. \u201cThe agreement is reviewed every year, and this year is no "
        "different,\u201d he said.",
        "Rep. Seo Eun-chae, who chairs the committee, said the ministry had sent "
        "lawmakers contradictory signals. \u201cIn July we were told the review was "
        "finished. Today we are told it has not begun,\u201d she said.",
        "Under the pact, either side may end it by giving notice 90 days before its "
        "yearly renewal in November. Seoul gave such a notice in 2019 and withdrew it "
        "hours before it was to take effect.",
        "Officials at the ministry said privately that the review had been slowed by a "
        "dispute over how much information had actually been exchanged in the past year.",
        "Baek said the number of exchanges was classified but that it had \u201cincreased "
        "considerably\u201d since 2023. He declined to say whether Japan had asked for "
        "assurances about the renewal.",
        "Analysts said a notice was unlikely. \u201cNothing in the relationship today "
        "points to a repeat of 2019,\u201d said Kwak Ye-rin, a researcher at the Hanbit "
        "Institute for Security Studies.",
        "Kwak added that the debate in the committee reflected domestic politics more "
        "than any change in policy. \u201cLawmakers want to be seen asking,\u201d she said.",
        "The committee plans to summon the minister again next week, after a closed "
        "briefing by military intelligence officials.",
        "The presidential office did not respond to a request for comment on Wednesday.",
    ),
)

BROADCASTER = (
    "Japan says it will keep sharing missile data with South Korea",
    "2024-09-02",
    "Ota Kaede",
    (
        "TOKYO \u2014 Japan will keep sharing data on North Korean missile launches with "
        "South Korea under their bilateral pact, Chief Cabinet Secretary Nishimura "
        "Takeshi said on Monday, a day after another launch off the peninsula's east "
        "coast.",
        "\u201cThe framework is working, and we intend to use it fully,\u201d Nishimura "
        "said at a regular news conference in Tokyo.",
        "The defense ministry said the missile flew about 600 kilometers before falling "
        "outside Japan's exclusive economic zone. No damage to ships or aircraft was "
        "reported.",
        "Nishimura said Japanese and South Korean officials had spoken by telephone "
        "within an hour of the launch and compared their radar tracks.",
        "Asked whether the arrangement could be widened to include real-time data, he "
        "said the government was \u201cstudying every option with our partners\u201d but "
        "gave no timetable.",
        "In Seoul, a spokeswoman for the Joint Chiefs of Staff, Col. Ryu Hae-jin, said "
        "the two militaries had exchanged information on the launch under the agreement.",
        "Relations between the two neighbors have warmed since 2023, when leaders "
        "agreed to restore visits and drop trade restrictions imposed four years earlier.",
        "Critics in Japan have argued that the pact depends too much on the political "
        "mood in Seoul. \u201cAn agreement that can be ended every August is not a "
        "foundation,\u201d said Hoshino Ren, a former defense official.",
        "The government plans to raise the issue at a trilateral meeting with the "
        "United States later this month.",
    ),
)

SECTIONS = (
    "World",
    "Politics",
    "North Korea",
    "Economy",
    "Markets",
    "Tech",
    "Culture",
    "Sports",
    "Opinion",
    "Video",
    "Photos",
    "Weather",
)
ICON = (
    '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><g fill="none" '
    'stroke="currentColor"><path d="M3 12h18"/><path d="M12 3v18"/>'
    '<circle cx="12" cy="12" r="9"/></g></svg>'
)


def _head(title: str, date: str, author: str, state_kib: int) -> str:
    meta = "".join(
        f'<meta name="{name}" content="{value}">'
        for name, value in (
            ("author", author),
            ("description", f"{title}."),
            ("viewport", "width=device-width, initial-scale=1"),
            ("robots", "max-image-preview:large"),
        )
    )
    opengraph = (
        f'<meta property="og:title" content="{title}">'
        '<meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{date}T09:30:00+09:00">'
        f'<meta property="article:author" content="{author}">'
    )
    styles = "".join(
        f".c{n}{{margin:{n % 7}px;padding:{n % 5}px;color:#{n * 97 % 4096:03x}}}"
        for n in range(400)
    )
    linked = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": f"{date}T09:30:00+09:00",
        "author": {"@type": "Person", "name": author},
    }
    state = {
        "props": {
            "teasers": [
                {"id": n, "headline": f"Story {n} from the archive", "section": SECTIONS[n % 12]}
                for n in range(state_kib * 14)
            ]
        }
    }
    scripts = "".join(
        f'<script async src="https://cdn.example.invalid/bundle-{n}.js"></script>'
        for n in range(12)
    )
    return (
        f'<head><meta charset="utf-8"><title>{title} | Example News</title>{meta}{opengraph}'
        f"<style>{styles}</style>{scripts}"
        f'<script type="application/ld+json">{json.dumps(linked)}</script>'
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push("
        "arguments)}gtag('js',new Date());gtag('config','X-000');</script>"
        f'<script id="__STATE__" type="application/json">{json.dumps(state)}</script>'
        "</head>"
    )


def _menu(depth: int) -> str:
    columns = "".join(
        f'<li class="menu__section"><a class="menu__link" href="/{section.lower()}">'
        f'{ICON}<span>{section}</span></a><ul class="menu__sub">'
        + "".join(
            f'<li><a href="/{section.lower()}/{n}" data-track="nav-{section}-{n}">'
            f"{section} topic {n}</a></li>"
            for n in range(depth)
        )
        + "</ul></li>"
        for section in SECTIONS
    )
    return (
        '<div class="cookie-banner" role="dialog"><p>We use cookies to improve your '
        "experience.</p><button>Accept all</button><button>Settings</button></div>"
        f'<header class="site-header"><a class="logo" href="/">{ICON}Example News</a>'
        f'<nav class="menu" aria-label="Main"><ul>{columns}</ul></nav>'
        '<form class="search" action="/search"><input name="q" placeholder="Search">'
        f"<button>{ICON}</button></form></header>"
        '<ol class="breadcrumbs"><li><a href="/">Home</a></li><li><a href="/politics">'
        'Politics</a></li><li><a href="/north-korea">North Korea</a></li></ol>'
    )


def _share() -> str:
    return (
        '<div class="share">'
        + "".join(
            f'<a class="share__{name}" href="https://share.example.invalid/{name}">{ICON}</a>'
            for name in ("mail", "print", "link", "post", "chat")
        )
        + "</div>"
    )


def _advert(n: int) -> str:
    return (
        f'<div class="ad-slot" id="ad-{n}" data-size="300x250"><span class="ad-label">'
        "Advertisement</span></div>"
    )


def _read_more(n: int) -> str:
    return (
        f'<aside class="read-more"><h4>Read more</h4><ul><li><a href="/story/{n}">'
        f'Archive story {n} on the peninsula</a></li><li><a href="/story/{n + 1}">'
        f"Archive story {n + 1} on trade</a></li></ul></aside>"
    )


def _column(teasers: int) -> str:
    items = "".join(
        f'<li class="teaser"><a href="/story/{900 + n}"><img src="/img/{n}.jpg" alt="">'
        f"<h3>Most read story number {n}</h3></a><time>2 hours ago</time></li>"
        for n in range(teasers)
    )
    return f'<section class="most-read"><h2>Most read</h2><ol>{items}</ol></section>'


def _footer(links: int) -> str:
    sitemap = "".join(
        f'<li><a href="/sitemap/{n}">{SECTIONS[n % 12]} archive {n}</a></li>' for n in range(links)
    )
    return (
        '<section class="newsletter"><h2>Get the morning briefing</h2><form>'
        '<input type="email" placeholder="Email"><button>Sign up</button></form></section>'
        f'<footer class="site-footer"><ul class="sitemap">{sitemap}</ul>'
        "<p>\u00a9 2024 Example News. All rights reserved.</p>"
        '<p><a href="/terms">Terms</a> | <a href="/privacy">Privacy</a></p></footer>'
    )


def _page(
    name: str, article: tuple[str, str, str, tuple[str, ...]], *, menu: int, state_kib: int
) -> NewsPage:
    title, date, author, paragraphs = article
    body_parts = []
    for number, paragraph in enumerate(paragraphs):
        body_parts.append(f"<p>{paragraph}</p>")
        if number % 3 == 2:
            body_parts.append(_advert(number))
        if number == 4:
            body_parts.append(_read_more(number * 10))
    html = (
        f'<!DOCTYPE html><html lang="en">{_head(title, date, author, state_kib)}'
        f'<body class="article-page">{_menu(menu)}<main><div class="layout">'
        f'<article class="story"><h1 class="story__title">{title}</h1>'
        f'<div class="byline">By <a rel="author" href="/staff/1">{author}</a> '
        f'<time datetime="{date}T09:30:00+09:00">{date}</time></div>{_share()}'
        '<figure><img src="/img/lead.jpg" alt="The meeting room"><figcaption>Officials '
        "arrive for the talks. (Example News)</figcaption></figure>"
        f'<div class="story__body">{"".join(body_parts)}</div>{_share()}</article>'
        f"{_column(menu)}</div></main>{_footer(menu * 8)}</body></html>"
    )
    return NewsPage(name, title, date, author, paragraphs, html)


PAGES = (
    _page("wire", WIRE, menu=30, state_kib=20),
    _page("newspaper", NEWSPAPER, menu=40, state_kib=70),
    _page("broadcaster", BROADCASTER, menu=100, state_kib=5),
)
