"""Who is speaking: the people, bodies and voices an article introduces, and who each
attribution ("Kim said", "he added", "the ministry said", "a senior official said:")
refers to, read the way a wire editor writes it.

The article is read in order, sentence by sentence (`Article.observe`):

- a person is introduced by a full name with a title before it or an apposition
  after it (`Vice Defense Minister Ahn Sung-taek`, `Park Ji-hoon, a professor at …`,
  `South Korean national security adviser Lim Tae-joon`), or by a full name that
  speaks; the title or apposition is the role, and the surname is what later
  sentences call them by (`Ahn said`): the first word of a Korean name
  (`Ahn Sung-taek`), the last of any other (`Hiroshi Kanemura`);
- a body by its name (`the Foreign Ministry`, `Cheong Wa Dae`);
- the subject of each sentence is remembered: `he`/`she` is the last person who was
  one, `it` the last body.

`Article.speaker` reads an attribution's speaker phrase: a full name (with its
title), a transcript's `NAME(TITLE)` in capitals, a surname this article introduced
(only one person may carry it), a pronoun, a description of the one person introduced
in that office (`the Japanese prime minister`, `the minister` for Japanese Defense
Minister Aoi Sakurada, `the professor` for "…, a professor of politics at …", and
wire copy's names for an office: `the top government spokesman` is the Chief Cabinet
Secretary; never a qualified office: a vice president is not `the president`), a
body, or a description voice (`a ministry official`, `a senior Japanese government
official`, `an aide to the prime minister`, and later `the official`; an aside such as
"who asked not to be named" or "in Seoul" is not part of it). Anything else is not
guessed: the speaker is None and the reason says why, and the drafter leaves the
quotation out with that reason. A speaker not named in the attribution's own words
carries `back_reference`, the sentence where they were named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Article", "Person", "Speaker", "mask_abbreviations", "surname_of"]

# Words of a title; a name is the capitalised words after them.
TITLE_WORDS = {
    "president",
    "prime",
    "minister",
    "ministers",
    "foreign",
    "defense",
    "defence",
    "vice",
    "deputy",
    "chief",
    "cabinet",
    "secretary",
    "general",
    "ambassador",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "adviser",
    "advisor",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "leader",
    "rep.",
    "sen.",
    "gen.",
    "adm.",
    "col.",
    "lt.",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "prof.",
    "gov.",
    "amb.",
    "h.e.",
    "lawmaker",
    "professor",
    "retired",
    "former",
    "acting",
    "senior",
    "national",
    "security",
    "affairs",
    "for",
    "of",
    "the",
    "u.s.",
    "south",
    "north",
    "korean",
    "japanese",
    "american",
    "chinese",
    "state",
    "trade",
    "unification",
    "interior",
    "finance",
    "economy",
    "presidential",
    "mayor",
    "governor",
    "envoy",
    "commander",
    "officer",
    "official",
    "analyst",
    "researcher",
    "fellow",
    "premier",
    "representative",
    "senator",
    "congressman",
    "congresswoman",
    "justice",
    "judge",
    "and",
    "policy",
    "strategy",
    "top",
    "head",
    "ruling",
    "opposition",
    "party",
    "floor",
    "admiral",
    "navy",
    "army",
    "air",
    "force",
    "military",
    "intelligence",
    "staff",
    "joint",
}
# Words that make a capitalised run a body or a place, never a person's name.
BODY_WORDS = {
    "ministry",
    "office",
    "house",
    "university",
    "institute",
    "party",
    "agency",
    "council",
    "committee",
    "assembly",
    "forces",
    "agreement",
    "government",
    "department",
    "court",
    "news",
    "times",
    "herald",
    "post",
    "daily",
    "ilbo",
    "bank",
    "organization",
    "association",
    "korea",
    "japan",
    "seoul",
    "tokyo",
    "washington",
    "beijing",
    "pyongyang",
    "china",
    "america",
    "states",
    "nations",
    "dae",
    "congress",
    "parliament",
    "diet",
    "cabinet",
    "pentagon",
    "yonhap",
    "kyodo",
    "reuters",
    "nhk",
    "kbs",
    "center",
    "centre",
    "command",
}
BODIES = ("Cheong Wa Dae", "Blue House", "Pentagon", "White House", "Kantei")
PRONOUNS = {"he": "person", "she": "person", "it": "body"}
# A transcript's label before an answer: "Baek: Closer than the public knew."
_SPEAKER_LABEL = re.compile(r"^(?P<who>[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,3}): ")
# Heads of a description voice: "a ministry official", "one South Korean defense official".
VOICE_HEADS = r"(?:officials?|spokes(?:man|woman|person)|sources?|diplomats?|aides?|officers?)"
# What may follow the head and still say who: "an aide to the prime minister".
_COMPLEMENT = r"(?: (?:to|for|of|at|with|from) (?:the )?(?:[\w.’'-]+ ){0,3}[\w.’'-]+)?"
DESCRIPTION = re.compile(
    rf"^(?P<article>a|an|one|another|the) (?P<body>(?:[\w.’'-]+ ){{0,6}}?"
    rf"(?P<head>{VOICE_HEADS}){_COMPLEMENT})$",
    re.IGNORECASE,
)
# What a description may carry that does not say who: "… official who asked not to be
# named", "a diplomat I spoke with", "a U.S. Embassy spokesperson in Seoul" (where, not
# who).
_ASIDE = re.compile(r"(?: (?:who|whom|I|we) .*| in (?:[A-Z][\w’'.-]*)(?: [A-Z][\w’'.-]*)*)$")
# Words around a speaker phrase that are not the speaker: a place or a time the sentence
# opens with ("In Washington, a State Department spokeswoman"), an adverb after it ("A
# Japanese officer once").
_LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:In|At|From|Back in) [A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)*|Meanwhile|Separately|"
    r"Later|Earlier|However|[A-Z][a-z]+ly), "
)
_TRAILING_ADVERB = re.compile(r"(?: (?:once|also|later|then|again|[a-z]+ly))+$")
# Many voices: "American observers", "some lawmakers", "Harbor observers".
CROWD = re.compile(
    r"^(?:(?:some|many|most|several) )?(?P<body>(?:[\w.’'-]+ ){0,4}(?:observers|analysts|"
    r"experts|critics|lawmakers|protesters|officials|diplomats|sources))$"
)
# An office named without its holder: "Sylvania’s Minister of Defense".
OFFICE = re.compile(
    r"^(?:the )?(?P<body>(?:[A-Z][\w.’'-]* ){1,4}(?:Minister|President|Secretary|Ambassador|"
    r"Spokesman|Spokesperson)(?: of(?: [A-Z][\w’'-]*){1,3})?)$"
)
BODY_NAME = re.compile(
    r"^(?:the )?(?P<name>(?:[A-Z][\w.’'-]* ){0,4}(?:Ministry|Office|House|Department|Council|"
    r"Agency|Committee|Command|Embassy)(?: of (?:[A-Z][\w’'-]* ?){1,4})?|(?:[a-z]+ )?ministry)$"
)
NAME_TOKEN = re.compile(r"^[A-Z][a-z’']*(?:-[A-Za-z][a-z’']*)*$")
_KOREAN_GIVEN = re.compile(r"^[A-Z][a-z]+-[a-z]+$")  # "Jae-in", "Sung-taek"
_ABBREVIATION = re.compile(
    r"\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Prof|Lt|Col|Adm|Gov|Amb|Maj|Capt|St|No|"
    r"Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\."
)
_MINISTRY = re.compile(
    r"\b(?:[A-Z][a-z]+ )?Ministry(?: of (?:[A-Z][a-z]+ ?){1,3})?|\b(?:defense|foreign) ministry"
)
# A broadcaster's caption of who speaks: "KIM SO-YUL(PROFESSOR, HANBIT UNIVERSITY)".
CAPITALS_WITH_TITLE = re.compile(
    r"^(?P<name>[A-Z][A-Z’'-]+(?: [A-Z][A-Z’'-]+){1,3})\s*\((?P<title>[^()]{2,120})\)$"
)
APPOSITION = re.compile(r"^, (?P<role>(?:(?:a|an|the) )?[a-z][^,;“”\"]{2,120}?)(?=,|$)")


def mask_abbreviations(text: str) -> str:
    """The text with the full stops of abbreviations ("U.S.", "Rep.") made into "_"
    (same length, so positions found in it stand in the text)."""
    return _ABBREVIATION.sub(lambda match: match.group(0).replace(".", "_"), text)


def surname_of(name: str) -> str:
    """The word a later sentence calls someone by: `Ahn` of Ahn Sung-taek (a Korean
    name, family name first), `Kanemura` of Hiroshi Kanemura."""
    words = name.split()
    if len(words) >= 2 and _KOREAN_GIVEN.match(words[-1]):
        return words[0]
    return words[-1]


_TITLE_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# Where the office ends in a title or an apposition: "a professor of politics at …".
_OFFICE_END = re.compile(r",| (?:of|at|for|in|who|with|from|to|on|since)\b", re.IGNORECASE)
# Whose office it is, which a later description may leave out ("the minister" for
# Japanese Defense Minister Aoi Sakurada).
_WHOSE = {"japanese", "south", "north", "korean", "u.s.", "american", "chinese", "japan", "korea"}
# Words that make it another office: a vice president is not the president, nor a
# former foreign minister the foreign minister.
_OTHER_OFFICE = {
    "vice",
    "former",
    "acting",
    "deputy",
    "assistant",
    "ex",
    "late",
    "retired",
    "incoming",
    "outgoing",
    "interim",
    "designate",
}
# The names wire copy gives an office instead of its title (Kyodo calls the Chief
# Cabinet Secretary "the top government spokesman"); a description that is one stands
# for the title.
EPITHETS = {
    "top government spokesman": "chief cabinet secretary",
    "top government spokeswoman": "chief cabinet secretary",
    "top government spokesperson": "chief cabinet secretary",
    "top diplomat": "foreign minister",
}
_POSSESSIVE = re.compile(r"^[A-Z][\w.]*['’]s\s+")
# One office under its several names: "Rep. Park" is "the lawmaker" later.
_SAME_OFFICE = {
    "rep.": "lawmaker",
    "representative": "lawmaker",
    "congressman": "lawmaker",
    "congresswoman": "lawmaker",
    "legislator": "lawmaker",
    "sen.": "senator",
    "prof.": "professor",
    "amb.": "ambassador",
    "gen.": "general",
    "adm.": "admiral",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
}


def _office(words: str) -> list[str]:
    """The words of a title or apposition that name the office, lower case, without
    whose it is: ["defense", "minister"] of "Japanese Defense Minister", ["professor"]
    of "a professor of international politics at …"."""
    bare = _TITLE_ARTICLE.sub("", _POSSESSIVE.sub("", words.strip()))
    bare = bare[: end.start()] if (end := _OFFICE_END.search(bare)) else bare
    office = " ".join(
        _SAME_OFFICE.get(word, word) for word in bare.lower().split() if word not in _WHOSE
    )
    return EPITHETS.get(office, office).split()


def _holds(title: str, description: str) -> bool:
    """Whether "the minister" can mean whoever was introduced as `title`: the same
    office (its last word, and every word the description gives), never a qualified one
    ("Vice President" holds "president" but is not the president)."""
    office, wanted = _office(title), _office(description)
    if not office or not wanted or office[-1] != wanted[-1] or not set(wanted) <= set(office):
        return False
    return not (set(office) - set(wanted)) & _OTHER_OFFICE


@dataclass
class Person:
    """Someone the article introduced by full name."""

    name: str
    title: str | None
    sentence: str  # where they were introduced: the back-reference of later mentions
    phrase: str  # the title and name as printed, for the role's evidence

    @property
    def surname(self) -> str:
        """What a later sentence calls them by."""
        return surname_of(self.name)

    def mentioned(self, how: str, note: str | None = None) -> Speaker:
        """The speaker a later mention (`how`: by surname, pronoun or title) names:
        this person, with the role and the sentence they were introduced in."""
        return Speaker(
            self.name,
            "person",
            how,
            role=self.title,
            role_phrase=self.phrase if self.title else None,
            back_reference=self.sentence,
            note=note,
        )


@dataclass
class Speaker:
    """Who an attribution names, and how it was read."""

    name: str
    kind: str  # person, body, voice
    how: str  # named, surname, pronoun, title, body, description, continued
    role: str | None = None
    role_phrase: str | None = None  # the printed words that give the role
    back_reference: str | None = None  # the sentence naming the speaker, when not this one
    note: str | None = None
    sentence: str | None = None  # where a voice or body was named: later mentions point here
    actor: str | None = None  # the store's actor, when the phrase is its exact name or alias


def _singular(noun: str) -> str:
    return noun.lower().removesuffix("s")


def _voice_head(name: str) -> str | None:
    """The noun a voice is called by again ("the aide" for "aide to the prime minister")."""
    heads = re.findall(VOICE_HEADS, name, re.IGNORECASE)
    return _singular(heads[-1]) if heads else None


def _voice_again(voice: Speaker, how: str, said: str) -> Speaker:
    """The unnamed speaker quoted before, named again by `said` ("the official", "he"):
    the sentence that described them is the back-reference."""
    return Speaker(
        voice.name,
        "voice",
        how,
        back_reference=voice.sentence,
        note=f"{said} taken as the {voice.name} quoted before",
        sentence=voice.sentence,
    )


def _split_title(phrase: str) -> tuple[str | None, str] | None:
    """(title, full name) of "Vice Defense Minister Ahn Sung-taek"; None if the phrase
    does not end in a person's full name."""
    words = phrase.split()
    name: list[str] = []
    while words and len(name) < 3:
        word = words[-1]
        lowered = word.lower()
        if (
            not NAME_TOKEN.match(word)
            or lowered in TITLE_WORDS
            or lowered in BODY_WORDS
            or lowered.endswith(("'s", "’s"))  # "Kim Jong-un's sister": not her name
        ):
            break
        name.insert(0, words.pop())
    if len(name) == 3 and _KOREAN_GIVEN.match(name[-1]):
        words.append(name.pop(0))  # "Minister Han Min-koo": a Korean name has two words
    if len(name) < 2:
        return None
    title = " ".join(words).strip(" ,") or None
    if title is not None and title.lower().split()[-1] in BODY_WORDS:
        return None  # "Korea Kim ..." is not a title
    return title, " ".join(name)


_TITLE_RUN = re.compile(
    r"(?:(?:[A-Z][\w’'_-]*|[a-z]+) ){0,7}$"  # the words before a name that may be its title
)
# A run of capitalised words, title and all: "Defense Minister Chung Tae-woo".
_NAME_RUN = re.compile(
    r"[A-Z][a-z’']*(?:-[A-Za-z][a-z’']*)*(?: [A-Z][a-z’']*(?:-[A-Za-z][a-z’']*)*){1,7}"
)
SPEECH = (
    r"said|says|told|added|stressed|warned|noted|announced|stated|explained|argued|urged|"
    r"insisted|declared|claimed|wrote|replied|cautioned|emphasi[sz]ed|reiterated|"
    r"(?:was|were) quoted as saying|according to"
)
_SPEAKS_AFTER = re.compile(rf"^(?:,[^,]*,)? (?:{SPEECH})\b")


def _name_from_capitals(name: str) -> str:
    """ "RYU MIN-SEO" as a name is written in running text: "Ryu Min-seo" (the part
    of a name after a hyphen is a syllable of the given name, in lower case)."""
    return " ".join(
        "-".join([parts[0].capitalize(), *(part.lower() for part in parts[1:])])
        for parts in (word.split("-") for word in name.split())
    )


def _title_before(masked: str, start: int) -> str | None:
    """The title words printed just before a name at `start`, if they read as a title."""
    run = _TITLE_RUN.search(masked[:start])
    if run is None:
        return None
    words = run.group(0).split()
    while words and words[0].lower() not in TITLE_WORDS:
        words = words[1:]  # "Seoul's national security adviser": the title starts at a title word
    return " ".join(words) or None


@dataclass
class Article:
    """What an article has introduced so far, read sentence by sentence."""

    # By full name, and by surname: looked up, not searched, so a long page stays linear.
    people: dict[str, Person] = field(default_factory=dict)
    by_surname: dict[str, list[Person]] = field(default_factory=dict)
    last_person: Person | None = None
    last_body: str | None = None
    last_voice: Speaker | None = None
    # Whether the last subject was one unnamed person ("one Japanese defense official"):
    # then a "he" or "she" after it is that person, not the last one named.
    voice_last: bool = False
    last_ministry: str | None = None
    ministry_sentence: str | None = None  # where the last ministry was named
    # The subject of the sentence before, when that sentence introduced them.
    introduced_subject: Person | None = None
    # In an interview's transcript, who answers in this paragraph ("Baek: …"): the "I"
    # of its words.
    answering: Person | None = None

    # --- reading sentences ------------------------------------------------------------

    def new_paragraph(self, first_sentence: str) -> None:
        """Start a paragraph: one that opens on a transcript's label ("Baek: …") is that
        person's answer; any other paragraph is nobody's."""
        label = _SPEAKER_LABEL.match(first_sentence)
        found = self.speaker(label["who"], first_sentence) if label else None
        self.answering = None
        if isinstance(found, Speaker) and found.kind == "person":
            self.answering = self.people.get(found.name)

    def observe(self, sentence: str, subject: Speaker | None = None) -> None:
        """Take in the people and bodies a sentence names, and its subject."""
        self._observe(sentence, subject)
        person = self.last_person
        # Introduced in this sentence, with a title or an apposition, and its subject:
        # "Mori said" next is this Mori.
        introduced = person is not None and person.sentence == sentence and bool(person.title)
        self.introduced_subject = person if introduced else None

    def _observe(self, sentence: str, subject: Speaker | None) -> None:
        masked = mask_abbreviations(sentence)
        for run in _NAME_RUN.finditer(masked):
            self._maybe_introduce(sentence, masked, run.start(), run.end())
        for ministry in _MINISTRY.finditer(sentence):
            self.last_ministry, self.ministry_sentence = ministry.group(0).strip(), sentence
        if subject is not None:
            self._remember(subject)
            return
        # The sentence's subject: whoever speaks in it ("Park Ji-hoon, a professor …,
        # said"), or the name it opens with ("Kanemura declined to say …").
        for opening in (
            re.match(rf"^(?P<who>[^;“”\"]{{2,160}}?) (?:{SPEECH})\b", masked),
            re.match(
                r"^(?P<who>[A-Z][\w’'_-]+(?: [A-Z][\w’'_-]+){0,4}(?:, [^,;“”\"]+,)?) [a-z]", masked
            ),
        ):
            if opening is None:
                continue
            found = self.speaker(sentence[: opening.end("who")], sentence)
            if isinstance(found, Speaker):
                self._remember(found)
                return
            if re.match(r"[A-Z][a-z’']+\b", opening["who"]):
                # Someone this reading cannot name is the subject ("Chung said …"):
                # a "he" after it is not the person before, nor the voice before.
                self.last_person = None
                self.voice_last = False
                return

    def _maybe_introduce(self, sentence: str, masked: str, start: int, end: int) -> None:
        run = sentence[start:end]
        split = _split_title(run)
        if split is None:
            return
        inner_title, name = split
        if name in self.people:
            return
        name_start = start + run.rindex(name)
        title = _title_before(masked, name_start) if inner_title is None else None
        title = inner_title or title
        apposition = APPOSITION.match(sentence[end:])
        speaks = _SPEAKS_AFTER.match(sentence[end:]) is not None
        said_before = re.search(rf"\b(?:{SPEECH}) $", sentence[:name_start]) is not None
        if not (title or apposition or speaks or said_before):
            return  # a name alone may be a place or a thing; a person is introduced as one
        role = title
        phrase_start = name_start - len(title) - 1 if title and not inner_title else start
        phrase = sentence[max(phrase_start, 0) : end]
        if apposition is not None:
            role = apposition["role"] if role is None else f"{role}, {apposition['role']}"
            phrase = sentence[max(phrase_start, 0) : end + apposition.end()]
        if title and phrase not in sentence:
            phrase = run
        self._introduce(Person(name, role, sentence, phrase))

    def _introduce(self, person: Person) -> None:
        self.people[person.name] = person
        self.by_surname.setdefault(person.surname, []).append(person)
        words = person.name.split()
        if len(words) in {2, 3} and words[0] != person.surname:
            # Japanese names are printed family name first as often as last ("Defense
            # Minister Mori Kaito", then "Mori said"), and Korean ones without hyphens
            # ("President Yoon Suk Yeol", then "Yoon added"): the first word may be the
            # one a later sentence calls them by, as well as the last.
            self.by_surname.setdefault(words[0], []).append(person)

    def _remember(self, speaker: Speaker) -> None:
        if speaker.kind == "person":
            self.last_person = self.people.get(speaker.name)
            self.voice_last = False
        elif speaker.kind == "body":
            self.last_body = speaker.name
        elif speaker.kind == "voice":
            self.last_voice = speaker
            self.voice_last = CROWD.match(speaker.name) is None

    # --- reading attributions ------------------------------------------------------------

    def speaker(self, phrase: str, sentence: str) -> Speaker | str:
        """Who the speaker phrase names, or the reason it cannot be read."""
        phrase = re.sub(r"\s+", " ", phrase).strip(" ,:")
        phrase = re.sub(r"^(?:and|but|while|as) ", "", phrase, flags=re.IGNORECASE)
        phrase = _TRAILING_ADVERB.sub("", _LEADING_ADVERBIAL.sub("", phrase))
        phrase = _SPEAKER_LABEL.sub("", phrase + " ").strip()  # "Baek: The minister"
        if not phrase:
            return "no speaker found"
        if captioned := CAPITALS_WITH_TITLE.match(phrase):
            return self._captioned(captioned["name"], captioned["title"], phrase, sentence)
        lowered = phrase.lower()
        if lowered in PRONOUNS:
            return self._pronoun(lowered)
        if lowered == "they":
            return "'they' is not read as a speaker"
        if phrase == "I":
            if self.answering is None:
                return "'I' is the writer or someone unnamed, not read as a speaker"
            return self.answering.mentioned(
                "pronoun", note=f"'I' taken as {self.answering.name}, who answers here"
            )
        parts = [part.strip() for part in phrase.split(",") if part.strip()]
        # "Rep. Han Do-yoon of the main opposition party": the name, then where they sit.
        for position, part in enumerate(parts):
            # "His Defense counterpart, Takeshi Iwaya": the name may be the apposition.
            others = ", ".join(parts[:position] + parts[position + 1 :]) or None
            for candidate in (part, re.sub(r" (?:of|from|at) (?:the )?[\w’' .-]+$", "", part)):
                if (named := self._named(candidate, others, sentence)) is not None:
                    return named
        head = parts[0]
        if re.fullmatch(r"[A-Z][a-z’']+(?:-[a-z]+)?", head):
            return self._surname(head)
        for body in BODIES:
            if head in (body, f"the {body}"):
                return Speaker(body, "body", "body")
        if (described := self._described(head, sentence)) is not None:
            return described
        for pattern in (CROWD, OFFICE):
            if match := pattern.match(head):
                return Speaker(match["body"], "voice", "description", sentence=sentence)
        if match := BODY_NAME.match(head):
            return self._body(match["name"], sentence)
        return f"{phrase!r} does not read as a speaker"

    def _captioned(self, capitals: str, title: str, phrase: str, sentence: str) -> Speaker:
        """The person a transcript's caption names, with the title it prints."""
        name = _name_from_capitals(capitals)
        role = " ".join(
            word if word.isupper() and len(word) <= 3 else word.capitalize()
            for word in title.split()
        )
        if name not in self.people:
            self._introduce(Person(name, role, sentence, phrase))
        return Speaker(name, "person", "named", role=role, role_phrase=phrase)

    def _named(self, head: str, apposition: str | None, sentence: str) -> Speaker | None:
        split = _split_title(mask_abbreviations(head))
        if split is None:
            return None
        title, name = split
        if title is not None:
            title = head[: len(title)]  # unmasked
        known = self.people.get(name)
        role = ", ".join(part for part in (title, apposition) if part) or None
        if known is None:
            phrase = head if not apposition else f"{head}, {apposition}"
            known = Person(name, role, sentence, phrase if phrase in sentence else head)
            self._introduce(known)
        elif role is None:
            role = known.title
        in_sentence = known.sentence == sentence or name in sentence
        return Speaker(
            name,
            "person",
            "named",
            role=role,
            role_phrase=known.phrase if role else None,
            back_reference=None if in_sentence else known.sentence,
        )

    def _surname(self, word: str) -> Speaker | str:
        carriers = self.by_surname.get(word, [])
        names = {person.name for person in carriers}
        latest = self.introduced_subject
        if len(names) > 1 and latest is not None and latest in carriers:
            # "Mori Rin, a researcher …, says …" and then "“…,” Mori said": the one
            # the sentence before introduced as its subject, as a wire editor writes it.
            return latest.mentioned(
                "surname",
                note=f"{word!r} taken as {latest.name}, introduced as the subject just before",
            )
        if len(names) > 1:
            return f"{word!r} could be any of {', '.join(sorted(names))}"
        if not carriers:
            return f"{word!r} is not introduced by full name before"
        return carriers[0].mentioned("surname")

    def _pronoun(self, pronoun: str) -> Speaker | str:
        if PRONOUNS[pronoun] == "person":
            if self.voice_last and self.last_voice is not None:
                return _voice_again(self.last_voice, "pronoun", f"'{pronoun}'")
            if self.last_person is None:
                return f"'{pronoun}' has no person before it"
            person = self.last_person
            return person.mentioned(
                "pronoun",
                note=f"'{pronoun}' taken as {person.name}, the last person named as a subject",
            )
        if self.last_body is None:
            return f"'{pronoun}' has no body before it"
        return Speaker(
            self.last_body, "body", "pronoun", note=f"'{pronoun}' taken as {self.last_body}"
        )

    def _described(self, head: str, sentence: str) -> Speaker | None:
        """A description: a voice ("a ministry official"), or someone named before by
        it ("the official" quoted before, "the minister", "the professor", "the top
        government spokesman"), when it can be no one else."""
        head = _ASIDE.sub("", head) if DESCRIPTION.match(_ASIDE.sub("", head)) else head
        match = DESCRIPTION.match(head)
        if match is not None and match["article"].lower() != "the":
            return Speaker(match["body"], "voice", "description", sentence=sentence)
        if not re.match(r"the ", head, re.IGNORECASE) and not _POSSESSIVE.match(head):
            return None
        found: list[Speaker] = []
        voice = self.last_voice
        if (
            match is not None
            and voice is not None
            and _voice_head(voice.name) == _singular(match["head"])
        ):
            found.append(_voice_again(voice, "description", repr(head)))
        holders = {
            person.name: person
            for person in self.people.values()
            if person.title and _holds(person.title, head)
        }
        found += [
            person.mentioned(
                "title", note=f"{head!r} taken as {person.name}, introduced as {person.title}"
            )
            for person in holders.values()
        ]
        return found[0] if len(found) == 1 else None

    def _body(self, name: str, sentence: str) -> Speaker | str:
        if name.lower() != "ministry" and not name.lower().endswith(" ministry"):
            return Speaker(name, "body", "body")
        if name[0].isupper():
            return Speaker(name, "body", "body", sentence=sentence)
        # "the ministry": the ministry the article named last. Not the one whose minister
        # it names: the words would not name the speaker.
        named = self.last_ministry
        if named is None:
            return f"'{name}': the article names no ministry before"
        ministry = named[:1].upper() + named[1:]
        if name.lower() == named.lower() and ministry == named:
            return Speaker(ministry, "body", "body", sentence=sentence)
        return Speaker(
            ministry,
            "body",
            "description",
            note=f"'{name}' taken as the {ministry}, named before",
            back_reference=self.ministry_sentence,
            sentence=self.ministry_sentence,
        )
