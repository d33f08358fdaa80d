"""The `briefbot` command line: ask, console, run, facts check, sync and export.

`briefbot ask` is a one-shot path: it must not import discord.py (a benchmark holds
it to that), so nothing here imports it at module level.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import getpass
import json
import logging
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
from zoneinfo import ZoneInfo

from bot.backup_cli import add_backup_commands, backup, restore
from bot.cli_help import with_examples
from bot.console import answer_with_outcome, run_console, terminal_lines
from bot.review_cli import add_review_parser, run_review
from bot.version import installed_version
from briefings.annotations import AnnotationFile
from briefings.answers import Answerer
from briefings.dates import iso_day
from briefings.errors import AnnotationError, BadSettingError, StorageError
from briefings.inputs import DEFAULT_SEEDS_DIR
from briefings.loading import check_store, load_store
from briefings.local_time import parse_zone
from briefings.occasions import digest_for, occasions_between
from briefings.rendering import DEFAULT_SET, Renderer, counted
from briefings.resources import cache_dir
from briefings.store import FactStore, MemoryFactStore

if TYPE_CHECKING:
    from bot.settings import Settings
    from briefings.factbase import DatabaseFactStore, SyncResult
    from briefings.ingest.files import DraftResult
    from briefings.ingest.web import WebPage
    from briefings.storage import Database
    from briefings.watching.harvest import Harvest

__all__ = ["main"]

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
MAX_DAYS = 3660  # ten years of days for `brief --next`; the bot's calendar offers 366
SCHEMA_PATH = DEFAULT_SEEDS_DIR / "annotation.schema.json"


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake told in one line (the usage is one --help away)."""

    def error(self, message: str) -> NoReturn:
        """Exit 2 after one line on stderr."""
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="briefbot", description="GSOMIA briefings from a verified fact store.")
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS_DIR, help="seed folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    parser.add_argument("--version", action="version", version=f"briefbot {installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help='print one reply, e.g. briefbot ask "!quote kono"')
    ask.add_argument("text", nargs="+", help="the command, as typed in Discord")
    ask.add_argument(
        "--png", type=Path, metavar="FILE", help="also write the answer's picture (!timeline)"
    )
    commands.add_parser("console", help="an interactive prompt over the same answers")
    commands.add_parser("run", help="join Discord if a token is configured, else the console")
    commands.add_parser(
        "health", help="exit 0 if the database answers and the bot's gateway heartbeat is recent"
    )
    brief = commands.add_parser("brief", help="what the scheduled briefings would post")
    when = brief.add_mutually_exclusive_group(required=True)
    when.add_argument("--on", type=_day, metavar="YYYY-MM-DD", help="print that day's briefing")
    when.add_argument("--next", type=_days, metavar="DAYS", help="list the coming days' occasions")
    brief.add_argument("--tz", default="UTC", type=_zone, help="time zone for 'today' (IANA name)")
    brief.add_argument("--from", dest="start", type=_day, help="start --next on this day")
    brief.add_argument("--set", dest="template_set", default=DEFAULT_SET, help="template set")
    brief.add_argument(
        "--ics", type=Path, metavar="FILE", help="with --next: write the days as an iCalendar file"
    )
    ingest = commands.add_parser("ingest", help="draft annotations for a new article page")
    ingest.add_argument("page", nargs="?", type=Path, help="the page, saved as UTF-8 text")
    ingest.add_argument("--accept", action="store_true", help="move reviewed drafts into the store")
    ingest.add_argument(
        "--date", type=_day, metavar="YYYY-MM-DD", help="the day of a page that prints no date"
    )
    sources = commands.add_parser("sources", help="fetch new articles to draft")
    sources_commands = sources.add_subparsers(dest="sources_command", required=True)
    fetch = sources_commands.add_parser(
        "fetch",
        help="fetch an article's page (HTML or text), or a feed's new items, and draft them",
    )
    fetch.add_argument("url", help="an http(s) address")
    sources_commands.add_parser(
        "pull", help="write the pages accepted in Discord review into the seeds folder, for git"
    )
    add_review_parser(commands)
    facts = commands.add_parser("facts", help="the fact store")
    facts_commands = facts.add_subparsers(dest="facts_command", required=True)
    facts_commands.add_parser("check", help="validate the annotations and print a summary")
    facts_commands.add_parser(
        "sync", help="check the annotations and load them into the database (skipped if unchanged)"
    )
    facts_commands.add_parser("schema", help="write the annotation JSON schema for editors")
    export = facts_commands.add_parser(
        "export",
        help="write the database's facts (as the bots answer from them, not synced first) to a"
        " new folder that loads back identically",
    )
    export.add_argument("target", type=Path, help="a folder that does not exist yet, or is empty")
    add_backup_commands(commands)
    return with_examples(parser)


def _day(text: str) -> dt.date:
    try:
        return iso_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _days(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_DAYS):
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a number of days from 1 to {MAX_DAYS}"
        )
    return int(text)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(parse_zone(name))
    except BadSettingError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _brief(store: FactStore, args: argparse.Namespace) -> int:
    renderer = Renderer()
    if args.template_set not in renderer.template_sets():
        sets = ", ".join(renderer.template_sets())
        print(
            f"--set: there is no template set {args.template_set!r}; the sets: {sets}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.on is not None:
        digest = digest_for(store, args.on)
        if digest is None:
            print(f"Nothing to post on {args.on.isoformat()}.")
        else:
            sys.stdout.write(renderer.text(renderer.briefing(digest, args.template_set)))
        return EXIT_OK
    now = dt.datetime.now(args.tz)  # the entry point reads the clock
    start = args.start or now.date()
    if args.ics is not None:
        return _write_calendar(store, renderer, args, start, now)
    last = start + dt.timedelta(days=args.next - 1)
    found = occasions_between(store, start, last)
    print(f"Occasions from {start.isoformat()} to {last.isoformat()} ({args.tz.key}): {len(found)}")
    for occasion in found:
        print(f"  {occasion.day.isoformat()}  {occasion.kind.value:<17}  {occasion.past_tense}")
    return EXIT_OK


def _write_file(path: Path, data: bytes) -> bool:
    """Write a file the user named; False, with one line saying why, if it cannot be."""
    try:
        path.write_bytes(data)
    except OSError as error:
        print(f"cannot write {path}: {error.strerror or error}", file=sys.stderr)
        return False
    return True


def _write_calendar(
    store: FactStore, renderer: Renderer, args: argparse.Namespace, start: dt.date, now: dt.datetime
) -> int:
    from briefings.calendar import calendar_ics

    made = calendar_ics(
        store, renderer, start, args.next, now.astimezone(dt.UTC), args.template_set
    )
    if not _write_file(args.ics, made.data):
        return EXIT_FAILURE
    plural = "s" if made.events != 1 else ""
    print(f"wrote {made.events} briefing{plural} from {start.isoformat()} to {args.ics}")
    return EXIT_OK


def _write_picture(answerer: Answerer, text: str, target: Path) -> int:
    """Write the picture the command draws, or say in one line why there is none."""
    picture = answerer.picture_for(text)
    if picture is None:
        print(f"no picture for {text!r}: only !timeline draws one", file=sys.stderr)
        return EXIT_USAGE
    if not _write_file(target, picture.png):
        return EXIT_FAILURE
    print(f"wrote {target} ({len(picture.png):,} bytes)", file=sys.stderr)
    return EXIT_OK


def _section(heading: str, items: list[str]) -> None:
    print(f"{heading}: {len(items)}")
    for item in items:
        print(f"  {item}")


def _print_report(result: DraftResult) -> None:
    report = result.report
    assert report is not None
    _section("Articles found", report.articles)
    _section("Off-topic paragraphs", report.off_topic)
    print(f"Quotes found: {len(report.quotes)}")
    for quote in report.quotes:
        when = quote.date.label() if quote.date else "date not stated"
        how = f" ({quote.date_how})" if quote.date else ""
        print(f"  {quote.id}: {quote.speaker} · {when}{how} · “{quote.words[0][:60]}”")
        for note in quote.unsure:
            print(f"      check: {note}")
    if report.new_actors:
        print("New actors proposed: " + ", ".join(report.new_actors))
    _section("Quotations left out (no speaker the drafter could name)", report.left_out)
    _section("Events proposed (check each title and status)", report.events)
    _section("Discrepancies with the store proposed", report.discrepancies)
    for line in report.unsure:
        print(f"Check: {line}")
    if result.problems:
        print(f"The draft does not pass `briefbot facts check` yet ({len(result.problems)}):")
        for problem in result.problems:
            print(f"  - {problem}")
    else:
        print("The draft passes `briefbot facts check` as it stands.")
    print(result.message)


def _ingest(args: argparse.Namespace) -> int:
    # Imported here: the one-shot `ask` path should load as little as it can.
    from briefings.ingest.files import BadPageError, accept_drafts, write_draft

    if args.accept:
        accepted = accept_drafts(args.seeds)
        if not accepted:
            print("No drafts to accept.")
        for item in accepted:
            if item.problems:
                print(f"{item.seed}: not accepted ({len(item.problems)} problems):")
                for problem in item.problems:
                    print(f"  - {problem}")
            else:
                print(f"{item.seed}: accepted into the curated files.")
            for left_out in item.left_out:
                print(f"  left out: {left_out}")
        if any(item.problems for item in accepted):
            return EXIT_FAILURE
        return _sync_accepted(args.seeds) if accepted else EXIT_OK
    if args.page is None:
        print("Name a page to ingest, or give --accept.", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = write_draft(args.page, args.seeds, load_store(args.seeds), args.date)
    except BadPageError as error:
        print(f"Not ingested: {error}", file=sys.stderr)
        return EXIT_USAGE
    if result.report is None:
        print(result.message)
        return EXIT_OK
    _print_report(result)
    return EXIT_OK


def _settings_database(failed: str) -> tuple[Settings, Database] | None:
    """The settings, and the database they name (migrated); None after one line on
    stderr, starting with `failed`, saying why it could not be opened."""
    from bot.settings import InvalidSettingsError, load_settings
    from briefings.storage import open_database

    try:
        settings = load_settings()
        return settings, open_database(settings.database_url, settings.data_dir)
    except InvalidSettingsError as error:
        print(f"{failed}: bad setting: {error}", file=sys.stderr)
    except StorageError as error:
        print(f"{failed}: {error}", file=sys.stderr)
    return None


def _sources_fetch(url: str, seeds: Path) -> int:
    """Fetch one page, or a feed's new items, and draft each like `briefbot ingest`,
    once per edition of the article whoever fetches it; one line if it cannot be."""
    import asyncio  # with ssl and sockets, 40 ms that every other command would pay

    from briefings.fetching import FetchError
    from briefings.ingest.readers import Readers
    from briefings.ingest.seen import new_items
    from briefings.watching.harvest import harvest

    opened = _settings_database("Not fetched")
    if opened is None:
        return EXIT_FAILURE
    settings, database = opened
    readers = Readers(size=1, time_limit=settings.read_seconds)
    try:
        found = asyncio.run(
            harvest(
                url,
                unseen=functools.partial(new_items, database),
                allow_private=settings.allow_private_urls,
                readers=readers,
                limits=settings.poll_limits,
            )
        )
        return _draft_harvest(database, found, seeds)
    except FetchError as error:
        print(f"Not fetched: {error}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        readers.close()
        database.dispose()


def _sources_pull(seeds: Path) -> int:
    """Write what was accepted in review into the seeds folder; one line per page."""
    from sqlalchemy.exc import SQLAlchemyError

    from briefings.review.desk import ReviewDesk
    from briefings.storage import reason

    opened = _settings_database("Nothing pulled")
    if opened is None:
        return EXIT_FAILURE
    _, database = opened
    try:
        pulled = ReviewDesk(database, seeds).pull()
    except OSError as error:  # that page is put back already (commit_accept)
        print(f"Not pulled: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILURE
    except SQLAlchemyError as error:
        print(f"Nothing pulled: the database failed: {reason(error)}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        database.dispose()
    for name in pulled:
        print(f"wrote {seeds / name}, its manifest line and its annotations")
    if not pulled:
        print(f"Nothing to pull: every page accepted in review is in {seeds}.")
    return EXIT_OK


def _draft_harvest(database: Database, found: Harvest, seeds: Path) -> int:
    """Draft what a fetch found: the page, or each new item of a feed (one report each)."""
    if found.feed is None:
        return _draft_fetched(database, found.pages[0].page, seeds)
    new = len(found.pages) + len(found.item_failures)
    more = ", more left for the next fetch" if found.left else ""
    print(f"Feed “{found.feed}”: {counted(found.items, 'items')}, {new or 'none'} new{more}.")
    status = EXIT_OK
    for failure in found.item_failures:  # tried again at the next fetch
        print(f"Not fetched: {failure.line}", file=sys.stderr)
        status = EXIT_FAILURE
    for number, item in enumerate(found.pages, start=1):
        print(f"\nItem {number} of {len(found.pages)}: {item.title or item.page.url}")
        status = max(status, _draft_fetched(database, item.page, seeds, guid=item.guid))
    return status


def _draft_fetched(database: Database, page: WebPage, seeds: Path, guid: str | None = None) -> int:
    from briefings.ingest.files import BadPageError, write_draft
    from briefings.ingest.seen import claim, release, what_changed

    claimed = claim(database, page, dt.datetime.now(dt.UTC), guid)  # the entry point's clock
    if not claimed.new:
        print(f"Already drafted from {page.url} as {claimed.page_name}: nothing new.")
        return EXIT_OK
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / claimed.page_name
        path.write_text(page.text, encoding="utf-8")
        try:
            result = write_draft(path, seeds, load_store(seeds))
        except (BadPageError, AnnotationError) as error:
            release(database, page)  # not drafted: the next fetch tries again
            print(f"Not ingested: {error}", file=sys.stderr)
            return EXIT_FAILURE
    print(f"Fetched {page.url} as {claimed.page_name}.")
    if claimed.previous_text is not None:
        change = what_changed(claimed.previous_text, page.text)
        print(f"An edited version of {claimed.previous_name}: {change}.")
    if result.report is None:
        print(result.message)
        return EXIT_OK
    _print_report(result)
    return EXIT_OK


def _sync_accepted(seeds: Path) -> int:
    """Put what was accepted into the database at once, as a version of its own that
    names who accepted it: every running bot answers with it within seconds."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container's user with no name
        user = "an unnamed user"
    who = f"briefbot ingest --accept by {user}"
    synced = _synced(seeds, who, "accepted, but not yet in the database")
    if synced is None:
        print("The bot's next start (or `briefbot facts sync`) puts it there.", file=sys.stderr)
        return EXIT_FAILURE
    _, result = synced
    print(f"In the database as version {result.version}: running bots answer with it shortly.")
    return EXIT_OK


def _summary(store: MemoryFactStore) -> list[str]:
    events = Counter(event.status for event in store.events.values())
    precisions = Counter(event.date.value.precision.value for event in store.events.values())
    off_topic = sum(len(source.off_topic) for source in store.sources)
    return [
        f"seeds: {len(store.sources)} (sha256 match the manifest)",
        f"articles: {len(store.articles)}; off-topic paragraphs: {off_topic}",
        f"actors: {len(store.actors)}",
        f"roles: {len(store.roles)}",
        "events: {} ({})".format(
            len(store.events), ", ".join(f"{n} {k}" for k, n in sorted(events.items()))
        ),
        "event dates by precision: " + ", ".join(f"{n} {k}" for k, n in sorted(precisions.items())),
        f"quotes: {len(store.quotes)}; quotations covered: all",
        f"printing errors: {len(store.printing_errors)}",
        f"discrepancies: {len(store.discrepancies)}",
        f"knowledge horizon: {store.horizon.isoformat()}",
    ]


def _facts_check(seeds: Path) -> int:
    store, problems = check_store(seeds)
    if store is None:
        print(f"{len(problems)} problem(s) in the fact store:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_FAILURE
    print("fact store OK")
    for line in _summary(store):
        print(f"  {line}")
    return EXIT_OK


def _synced(seeds: Path, by: str, failed: str) -> tuple[DatabaseFactStore, SyncResult] | None:
    """The database of the settings, synced with `seeds`; None after one line on stderr
    (starting with `failed`) saying why it could not be."""
    from briefings.factbase import DatabaseFactStore, sync_facts

    opened = _settings_database(failed)
    if opened is None:
        return None
    _, database = opened
    try:
        result = sync_facts(database, seeds, by=by)
        return DatabaseFactStore(database), result
    except AnnotationError as error:
        count = len(error.problems)
        print(
            f"{failed}: the annotations have {count} problem(s); run `briefbot facts check`",
            file=sys.stderr,
        )
    except StorageError as error:
        print(f"{failed}: {error}", file=sys.stderr)
    return None


def _facts_sync(seeds: Path) -> int:
    synced = _synced(seeds, "briefbot facts sync", "not synced")
    if synced is None:
        return EXIT_FAILURE
    store, result = synced
    counts = store.counts().summary()
    if result.changed:
        print(f"synced version {result.version} in {result.seconds:.1f} s: {counts}")
    else:
        print(f"unchanged: the database holds version {result.version} ({counts})")
    return EXIT_OK


def _facts_export(target: Path) -> int:
    """Write the database's newest version to a folder. It only reads: the checkout's
    files are not synced first, so the export is what the bots answer from."""
    from briefings.export import ExportError, export_store
    from briefings.factbase import DatabaseFactStore

    opened = _settings_database("not exported")
    if opened is None:
        return EXIT_FAILURE
    _, database = opened
    try:
        store = DatabaseFactStore(database)
        exported = export_store(store, target)
    except (ExportError, StorageError) as error:
        print(f"not exported: {error}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        database.dispose()
    print(
        f"exported version {store.version}: {exported.facts} facts and {exported.pages} pages"
        f" to {exported.target}; it loads back into the same facts"
    )
    return EXIT_OK


def annotation_schema() -> str:
    """The JSON schema of an annotation file, as written to disk."""
    return json.dumps(AnnotationFile.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _console(answerer: Answerer) -> int:
    """Answer lines from a terminal (with line editing and history) or from a pipe."""
    if not sys.stdin.isatty():
        run_console(answerer, sys.stdin, sys.stdout)
        return EXIT_OK
    print("Type a command such as !gsomia status, or quit. !help lists them all.")
    # Closing the lines writes the history, whichever way the console ends.
    with closing(terminal_lines(cache_dir() / "console_history", sys.stdout)) as lines:
        try:
            run_console(answerer, lines, sys.stdout)
        except KeyboardInterrupt:  # Ctrl-C while an answer was being made
            print("\nInterrupted: closing the console.")
    return EXIT_OK


def _health() -> int:
    """One line and exit 0 when this process's bot is healthy; 1 otherwise."""
    from bot.health import check_health
    from bot.settings import InvalidSettingsError, load_settings

    try:
        settings = load_settings()
    except InvalidSettingsError as error:
        print(f"unhealthy: bad setting: {error}")
        return EXIT_FAILURE
    report = check_health(
        settings.database_url,
        settings.data_dir,
        settings.shard_ids,
        dt.datetime.now(dt.UTC),  # the entry point reads the clock
        dt.timedelta(seconds=settings.health_max_age_seconds),
    )
    print(report.line)
    return EXIT_OK if report.ok else EXIT_FAILURE


def _run(answerer_factory: Callable[[], Answerer]) -> int:
    """Join Discord with a token; else the console on a terminal; else fail clearly."""
    from bot.settings import InvalidSettingsError, load_settings  # the one-shot commands skip .env

    try:
        settings = load_settings()
    except InvalidSettingsError as error:
        print(f"cannot start: bad setting: {error}", file=sys.stderr)
        return EXIT_FAILURE
    if settings.has_token:
        from bot.runner import run_bot  # imports discord.py, which `ask` must not

        return run_bot(settings)
    if not sys.stdin.isatty():
        print(
            "No Discord token configured (DISCORD_TOKEN) and no terminal for the console: "
            "set DISCORD_TOKEN, or run `briefbot console` at a terminal.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print("No Discord token configured (DISCORD_TOKEN): opening the offline console.")
    return _console(answerer_factory())


def _answerer(seeds: Path) -> Answerer:
    """The answerer of `ask` and the console: the seeds folder read and checked."""
    # "today" typed as a date is this machine's day: the entry point reads the clock.
    today = lambda: dt.datetime.now().astimezone().date()  # noqa: E731
    return Answerer(load_store(seeds), Renderer(), today=today)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `briefbot` console script."""
    try:
        return _command(argv)
    except BrokenPipeError:
        # The reader of the output went away (`briefbot facts check | head`): nothing
        # is left to say to it, and Python's own flush at exit must not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE


def _command(argv: list[str] | None) -> int:
    """Run the command `argv` names; its exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "ingest":
        try:
            return _ingest(args)
        except AnnotationError as error:
            print(error, file=sys.stderr)
            return EXIT_FAILURE
    if args.command == "health":
        return _health()
    if args.command == "backup":
        return backup(args.target)
    if args.command == "restore":
        return restore(args.source)
    if args.command == "sources":
        if args.sources_command == "pull":
            return _sources_pull(args.seeds)
        return _sources_fetch(args.url, args.seeds)
    if args.command == "review":
        return run_review(args, _settings_database, args.seeds)
    if args.command == "facts":
        if args.facts_command == "export":
            return _facts_export(args.target)
        if args.facts_command == "sync":
            return _facts_sync(args.seeds)
        if args.facts_command == "schema":
            path = args.seeds / SCHEMA_PATH.name
            path.write_text(annotation_schema(), encoding="utf-8")
            print(f"wrote {path}")
            return EXIT_OK
        return _facts_check(args.seeds)
    try:
        if args.command == "run":
            return _run(lambda: _answerer(args.seeds))
        answerer = _answerer(args.seeds)
    except AnnotationError as error:
        print(error, file=sys.stderr)
        print("Run `briefbot facts check` for a summary.", file=sys.stderr)
        return EXIT_FAILURE
    if args.command == "brief":
        if args.ics is not None and args.next is None:
            print("--ics writes the days of --next; give --next DAYS", file=sys.stderr)
            return EXIT_USAGE
        return _brief(answerer.store, args)
    if args.command == "ask":
        text = " ".join(args.text)
        reply, answered = answer_with_outcome(answerer, answerer.renderer, text)
        sys.stdout.write(reply)
        if not answered:  # a script can tell an answer from "no such command or name"
            return EXIT_FAILURE
        return _write_picture(answerer, text, args.png) if args.png else EXIT_OK
    return _console(answerer)


if __name__ == "__main__":
    raise SystemExit(main())
