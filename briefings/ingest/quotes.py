"""Find quotes in article paragraphs and who said them, and when.

Each sentence holding quotation marks becomes one drafted quote (its quoted spans
together). The speaker is found by a few written-down patterns:

- after the quote: `“…,” said Taro Kono, the Japanese foreign minister.`, `“…,” he added.`,
  and after a quote that ends on a comma, any subject before the verb
  (`“…,” South Korean national security adviser Lim Tae-joon said.`);
- after a quote that ends on a comma, a full name and its apposition between commas
  (`“…,” Han Se-ri, a spokesperson for the ministry, told a briefing.`);
- before it: `Kang Gi-jung, Political Affairs Secretary to …, added that Seoul would “…”`,
  `A senior official said: “…”` or `Oda put it bluntly: “…”`; and the one a paper
  quoted, not the paper (`The Daily Meridian quoted an aide … as saying, “…”`); a verb
  of saying: said, added, argued, warned, urged, called, told, stated, noted, claimed,
  insisted, declared, described, announced, stressed, was quoted as saying, according
  to …;
- a collective: `… badly received by the South Korean public, for whom … “…”`;
- a pronoun (he, she, it, they) is the speaker of the quote before it, or the subject
  named in `As for the North Korean leaders, they called it …`;
- a broadcaster's transcript: `[Soundbite] NAME(TITLE) : "…"`, the name and title in
  capitals, a segment label in brackets before them;
- a quotation that opens its paragraph with no speaker: the paragraph before, ending on
  a colon, or a dashed line after it (`— Rep. Noh Ji-an, on the radio`) attributes it.

The patterns run with the full stops of abbreviations masked ("Rep. Han", "U.S."),
and a quotation that spans sentences is one sentence here. Who the speaker phrase
names is read by `attribution`. Anything guessed is marked for review.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from syntok import segmenter

from briefings.dates import MONTH_PATTERN, FuzzyDate, month_number
from briefings.ingest.attribution import mask_abbreviations
from briefings.quotations import find_quoted_spans
from briefings.relative_dates import FUTURE_MARKER, resolve_relative

__all__ = [
    "DateFinding",
    "DraftQuote",
    "date_phrase",
    "date_phrases",
    "extract_quotes",
    "split_sentences",
]

VERBS = (
    "said|says|added|argued|warned|urged|called|told|stated|noted|claimed|insisted|declared|"
    "described|explained|stressed|announced|cautioned|emphasi[sz]ed|reiterated|replied|wrote|"
    "(?:was|were) quoted as saying|according to|"
    "put it(?: (?:more )?[a-z]+ly| this way| another way)?"  # "Oda put it bluntly: “…”"
)
PRONOUNS = {"he", "she", "it", "they", "i"}

_WEEKDAYS = "|".join(calendar.day_name)
_ABBREVIATED = r"(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\."
DATE_PHRASE = re.compile(
    rf"\b(?:(?:[Oo]n |[Cc]ome )?(?:{_WEEKDAYS})(?: (?:morning|afternoon|evening|night))?|"
    rf"[Tt]his morning|[Tt]oday|"
    rf"[Ll]ate last night|[Ll]ast night|[Yy]esterday|[Ee]arlier this week|[Ll]ast month|"
    rf"(?:[Ee]arly )?[Nn]ext week|[Ll]ast week|[Nn]ext month|"
    rf"[Ll]ast summer|[Aa] few days ago|(?:[Bb]ack )?[Ii]n (?:{MONTH_PATTERN})(?: \d{{4}})?|"
    rf"[Oo]n (?:{MONTH_PATTERN}|{_ABBREVIATED}) \d{{1,2}}(?:, \d{{4}})?|[Aa]t the time)"
    r"(?![\w-])"
)
# The last verb in the future in the clause before a date phrase: "will sign … on Monday".
_FUTURE_BEFORE = re.compile(rf"{FUTURE_MARKER}[^,;:“”\"]{{0,60}}$", re.IGNORECASE)
EXPLICIT_DATE = re.compile(rf"\b(?:in )?(?P<month>{MONTH_PATTERN}) (?P<year>\d{{4}})\b")
# Titles written with a full stop, which must not end a speaker's name ("Mr. Kono").
HONORIFIC = r"(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Prof|Lt|Col|Adm|Gov|Amb)\."
AFTER = re.compile(rf"^[\s,]*(?P<verb>{VERBS}) (?P<who>(?:{HONORIFIC} )?[^.;]+)")
# ",” Mr. Rufus Tadwell said": a capitalised name, then the verb, after the quote.
AFTER_NAME = re.compile(
    rf"^[\s,]*(?P<who>(?:{HONORIFIC} )?[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){{0,3}}) "
    rf"(?P<verb>{VERBS})\b"
)
# ",” Han Se-ri, a spokesperson for the ministry, told a briefing": a full name, its
# apposition between commas, then the verb.
AFTER_APPOSED = re.compile(
    rf"^[\s,]*(?P<who>(?:{HONORIFIC} )?[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){{1,3}}, "
    rf"[^,.;:“”\"]{{2,160}}(?:, [^,.;:“”\"]{{2,80}})?,) (?P<verb>{VERBS})\b"
)
# "The Daily Meridian quoted an aide … as saying": the one quoted speaks, not the paper.
QUOTED_AS = re.compile(r"\bquoted (?P<who>[^.;“”\"]{2,120}?) as saying\b")
# ",” the Japanese prime minister said", ",” South Korean national security adviser Lim
# Tae-joon said": any words without a stop (abbreviations masked), then the verb.
# Only after a quotation that ends on a comma, as wire copy prints it ("…,” he said).
AFTER_SUBJECT = re.compile(
    rf"^[\s,]*(?!(?:and|but|or|that|which|while|as|so)\b)"
    rf"(?P<who>[^,.;:“”\"]{{2,100}}?) (?P<verb>{VERBS})\b"
)
AFTER_PRONOUN = re.compile(rf"^[\s,]*(?P<who>he|she|it|they) (?P<verb>{VERBS})\b", re.IGNORECASE)
BEFORE = re.compile(rf"(?P<who>[^.;“”]*?)(?:,)? (?:have |has |had )?(?P<verb>{VERBS})\b")
# "[Soundbite] RYU MIN-SEO(DEPUTY ADVISER) :", all that stands before the quotation.
TRANSCRIPT = re.compile(
    r"^\s*(?:\[[^\]]{1,40}\]\s*)?(?P<who>[A-Z][A-Z’'-]+(?: [A-Z][A-Z’'-]+){1,3}\s*"
    r"\([^()]{2,120}\))\s*:\s*$"
)
FOR_WHOM = re.compile(r"\bby (?P<who>[^,]+), for whom\b")
AS_FOR = re.compile(r"\bAs for (?P<who>[^,]+), (?:he|she|it|they)\b")
# A quotation's own line of attribution below it: "— Rep. Noh Ji-an, on the radio".
DASHED_ATTRIBUTION = re.compile(r"^(?:—|--|―|–)\s*(?P<who>[^,“”\"]{3,80})(?:,[^“”\"]*)?$")
UNCLOSED = "a quotation mark is never closed"
NO_SPEAKER = "no speaker found"


@dataclass
class DateFinding:
    """A date for a quote and how it was found."""

    value: FuzzyDate | None
    how: str  # resolved, inferred, or none
    phrase: str | None = None
    reason: str | None = None


@dataclass
class DraftQuote:
    """One quote as found: words, sentence, speaker phrase and date."""

    words: list[str]
    sentence: str
    speaker_phrase: str
    attribution: str
    pronoun: bool = False
    date: DateFinding = field(default_factory=lambda: DateFinding(None, "none"))
    unsure: list[str] = field(default_factory=list)
    more_sentences: list[str] = field(default_factory=list)  # a quote that runs on
    # The paragraph beside it that attributes it ("Noh said:" above, "— Rep. Noh" below).
    attribution_sentence: str | None = None
    runs_on: bool = False  # its last quotation mark is never closed in its paragraph
    paragraph: int = 0  # where it stands: the paragraph and the sentence in it
    index: int = 0


def split_sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, as syntok segments them, each a verbatim slice of it.

    A full stop ends a sentence only where syntok says so: not in "U.S.", "Mr.",
    "Gen.", "No. 2", initials such as "J. R." or decimals such as "3.5", which wire
    copy has in every other line (a rule of our own cut "The U.S. State Department
    said … Mr. Kono added" into four). Slicing by the tokens' offsets keeps every
    sentence exactly as printed, as evidence must be.
    """
    sentences = []
    for section in segmenter.analyze(paragraph):
        for sentence in section:
            first, last = sentence[0], sentence[-1]
            sentences.append((first.offset, last.offset + len(last.value)))
    return [paragraph[start:end] for start, end in _whole_quotations(paragraph, sentences)]


# A title before a name, which the splitter may take for a sentence's end ("…,” Rep.").
_HONORIFIC_END = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Prof|Lt|Col|Adm|Gov|Amb|Maj|Capt)\.$")


def _whole_quotations(paragraph: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences, joined where a quotation opened in one closes in a later one
    ("…said: “Nothing has changed. The review goes ahead.”" is one quote) and after
    a title the splitter took for a sentence's end."""
    closed = [span for span in find_quoted_spans(paragraph) if span.closed]
    starts = [span.start for span in closed]

    def inside_a_quotation(position: int) -> bool:
        # Spans do not overlap: only the last one opened before `position` can hold it.
        before = bisect.bisect_left(starts, position) - 1
        return before >= 0 and position < closed[before].start + len(closed[before].text)

    joined: list[tuple[int, int]] = []
    for start, end in bounds:
        if not paragraph[start:end].strip():
            continue
        if joined and (
            _HONORIFIC_END.search(paragraph[joined[-1][0] : joined[-1][1]])
            or inside_a_quotation(joined[-1][1])
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _strip_dates(phrase: str) -> str:
    cleaned = DATE_PHRASE.sub("", phrase)
    return re.sub(r"\s+", " ", cleaned).strip(" ,")


def _without_honorific(who: str) -> str:
    """The name without its courtesy title: "Mr. Rufus Tadwell" is Rufus Tadwell (the
    printed attribution keeps it). An office's title stays: "Rep. Park" is a lawmaker,
    whom "the lawmaker" names later."""
    return re.sub(r"^(?:Mr|Mrs|Ms)\. ", "", who.strip())


def _speaker(sentence: str, first_quote: int, last_quote_end: int) -> tuple[str, str, bool]:
    """(speaker phrase, printed attribution, is it a pronoun) or empty when not found.

    The patterns run on the sentence with the full stops of abbreviations masked
    ("Rep. Han", "U.S. officials"), and what they find is cut from the sentence itself."""
    masked = mask_abbreviations(sentence)
    after, before = masked[last_quote_end:], masked[:first_quote]

    def printed(match: re.Match[str], group: str, offset: int) -> str:
        return sentence[offset + match.start(group) : offset + match.end(group)]

    def attribution(match: re.Match[str], offset: int) -> str:
        return sentence[offset + match.start() : offset + match.end()].strip(" ,")

    if match := AFTER_PRONOUN.match(after):
        return match["who"], attribution(match, last_quote_end), True
    ends_on_comma = sentence[:last_quote_end].rstrip('”" ').endswith((",", "?", "!"))
    patterns = (
        (AFTER, AFTER_NAME, AFTER_APPOSED, AFTER_SUBJECT) if ends_on_comma else (AFTER, AFTER_NAME)
    )
    for pattern in patterns:
        if match := pattern.match(after):
            who = printed(match, "who", last_quote_end)
            return _without_honorific(who), attribution(match, last_quote_end), False
    if match := TRANSCRIPT.match(before):
        return printed(match, "who", 0), attribution(match, 0), False
    for pattern in (QUOTED_AS, AS_FOR, FOR_WHOM):
        if match := pattern.search(before):
            return printed(match, "who", 0).strip(), attribution(match, 0), False
    match = BEFORE.search(before)
    if match is None:
        return "", "", False
    who = printed(match, "who", 0).strip()
    # The attribution is the printed words, from the speaker to the verb, as they stand.
    said = sentence[match.start("who") : match.end("verb")].strip(" ,")
    last = who.split()[-1] if who.split() else ""
    if last.lower() in PRONOUNS:
        return last, sentence[sentence.rindex(last, 0, match.end("verb")) : match.end("verb")], True
    return who, said, False


def date_phrases(sentence: str) -> list[str]:
    """The sentence's date phrases in order, each from the verb before it when that verb
    is in the future ("will sign the pact on Monday"), so the rule can be read off it."""
    phrases = []
    for match in DATE_PHRASE.finditer(sentence):
        future = _FUTURE_BEFORE.search(sentence[: match.start()])
        start = future.start() if future is not None else match.start()
        phrases.append(sentence[start : match.end()])
    return phrases


def date_phrase(sentence: str) -> str | None:
    """The sentence's first date phrase (`date_phrases`)."""
    return next(iter(date_phrases(sentence)), None)


def _date(sentence: str, anchor: dt.date | None, context_dates: list[FuzzyDate]) -> DateFinding:
    phrase = date_phrase(sentence)
    if phrase is None:
        return DateFinding(None, "none")
    if phrase.lower() == "at the time":
        if context_dates:
            return DateFinding(
                context_dates[-1],
                "inferred",
                phrase,
                f'"at the time" refers to the date mentioned just before '
                f"({context_dates[-1].label()})",
            )
        return DateFinding(None, "none", phrase)
    if anchor is not None and (resolved := resolve_relative(phrase, anchor)) is not None:
        return DateFinding(resolved, "resolved", phrase)
    return DateFinding(None, "unresolved", phrase)


def _continue(previous: DraftQuote, following: DraftQuote, its_paragraph: str) -> None:
    """Join a quotation that runs on into the next paragraph (news style: no closing mark,
    the next paragraph reopens it). Its words in its own paragraph run to that paragraph's
    end, over every sentence left in it."""
    start = its_paragraph.find(previous.words[-1])
    if start >= 0 and (rest := its_paragraph[start:].rstrip()) != previous.words[-1]:
        previous.words[-1] = rest
        previous.more_sentences.append(its_paragraph[start - 1 if start else 0 :].rstrip())
    previous.words += following.words
    previous.more_sentences.append(following.sentence)
    previous.unsure = [u for u in previous.unsure if u != UNCLOSED]
    previous.unsure.append("the quotation runs on into the next paragraph")
    if not previous.speaker_phrase and following.speaker_phrase:
        previous.speaker_phrase = following.speaker_phrase
        previous.attribution = following.attribution
        previous.pronoun = following.pronoun
        previous.unsure = [u for u in previous.unsure if u != NO_SPEAKER]


def _quote(sentence: str, anchor: dt.date | None, context: list[FuzzyDate]) -> DraftQuote | None:
    spans = find_quoted_spans(sentence)
    for explicit in EXPLICIT_DATE.finditer(sentence):
        month = month_number(explicit["month"])
        context.append(FuzzyDate.month(int(explicit["year"]), month))
    if not spans:
        return None
    first = spans[0].start - 1
    who, attribution, pronoun = "", "", False
    # The attribution after the last quoted span, or after the first ("“…,” the minister
    # said, calling it “a bold step”"), or before the first.
    for span in (spans[-1], spans[0]):
        end = span.start + len(span.text) + (1 if span.closed else 0)
        who, attribution, pronoun = _speaker(sentence, first, end)
        if who:
            break
    quote = DraftQuote(
        words=[_trim_unclosed(span.text, span.closed) for span in spans],
        sentence=sentence,
        speaker_phrase=_strip_dates(who),
        attribution=attribution,
        pronoun=pronoun,
        runs_on=not spans[-1].closed,
    )
    quote.date = _date(sentence, anchor, context)
    if not all(span.closed for span in spans):
        quote.unsure.append(UNCLOSED)
    if not who:
        quote.unsure.append(NO_SPEAKER)
    return quote


# A sentence that only attributes the quotation before it: "“….” Defense Minister Aoi
# Sakurada told reporters on Friday." (a speaker, a verb, a few words, no "that").
ATTRIBUTION_AFTER = re.compile(
    rf"^(?P<who>[A-Z][^“”\"]{{1,100}}?) (?P<verb>{VERBS})\b"
    r"(?P<rest>(?: (?!that\b)[\w’'-]+){0,6})\.$"
)


def _attribution_beside(
    quote: DraftQuote, paragraphs: list[str], split: list[list[str]], number: int
) -> None:
    """A quotation with no speaker in its sentence: the next sentence may only attribute
    it ("Defense Minister Aoi Sakurada told reporters on Friday."); one that opens its
    paragraph may be introduced by the paragraph before, ending on a colon ("Richard
    Calloway, a retired colonel, described the cost to me in an email:"), or attributed
    by the next after a dash ("— Rep. Noh Ji-an, on a radio program"), as digests and
    op-eds print them."""
    if quote.speaker_phrase:
        return
    its = split[number]
    if quote.index + 1 < len(its) and (
        after := ATTRIBUTION_AFTER.match(mask_abbreviations(its[quote.index + 1].strip()))
    ):
        sentence = its[quote.index + 1].strip()
        quote.speaker_phrase = _strip_dates(sentence[: after.end("who")])
        quote.attribution = sentence[: after.end("verb")]
        quote.attribution_sentence = sentence
    elif quote.index != 0:
        return
    elif number > 0 and split[number - 1] and split[number - 1][-1].rstrip().endswith(":"):
        before = split[number - 1][-1].rstrip()
        who, said, pronoun = _speaker(before, len(before), len(before))
        if who:
            quote.speaker_phrase, quote.attribution, quote.pronoun = (
                _strip_dates(who),
                said,
                pronoun,
            )
            quote.attribution_sentence = before
    elif number + 1 < len(paragraphs) and (
        dashed := DASHED_ATTRIBUTION.match(paragraphs[number + 1].strip())
    ):
        quote.speaker_phrase = _strip_dates(dashed["who"])
        quote.attribution = paragraphs[number + 1].strip()
        quote.attribution_sentence = quote.attribution
    if quote.speaker_phrase:
        quote.unsure = [u for u in quote.unsure if u != NO_SPEAKER]


def extract_quotes(
    paragraphs: list[str], anchor: dt.date | None, sentences: list[list[str]] | None = None
) -> list[DraftQuote]:
    """Every quote of an article's body paragraphs, in order (`sentences`: the
    paragraphs' sentences, when the caller has split them already)."""
    quotes: list[DraftQuote] = []
    context_dates: list[FuzzyDate] = []
    split = sentences if sentences is not None else [split_sentences(p) for p in paragraphs]
    for number, (paragraph, its_sentences) in enumerate(zip(paragraphs, split, strict=True)):
        for position, sentence in enumerate(its_sentences):
            quote = _quote(sentence, anchor, context_dates)
            if quote is None:
                continue
            quote.paragraph, quote.index = number, position
            _attribution_beside(quote, paragraphs, split, number)
            runs_on = quotes and quotes[-1].runs_on and position == 0
            if runs_on and paragraph.startswith(("“", '"')):
                _continue(quotes[-1], quote, paragraphs[quotes[-1].paragraph])
                quotes[-1].runs_on = quote.runs_on
                continue
            quotes.append(quote)
    return quotes


def _trim_unclosed(text: str, closed: bool) -> str:
    """An unclosed quotation runs on; keep it to its first sentence."""
    if closed:
        return text
    end = re.search(r"[.!?](?=\s|$)", text)
    return text[: end.end()] if end else text.rstrip()
