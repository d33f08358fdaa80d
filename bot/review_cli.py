"""`briefbot review`: the review desk from the command line, for curators without
Discord: list the pending drafts, show one, edit its items, accept or reject it.

It works on the database the settings name, as the bot does, and decides as the
operator (one of the bot's owners): whoever can run it on the bot's host can change
the record. One line per outcome; a refusal is one line on stderr and exit status 1.
Like the rest of the command line, it imports no discord.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings
    from briefings.review.desk import ReviewDesk
    from briefings.review.trust import Reviewer
    from briefings.storage import Database

__all__ = ["add_review_parser", "run_review"]

EXIT_OK, EXIT_FAILURE = 0, 1
Opener = Callable[[str], "tuple[Settings, Database] | None"]


def add_review_parser(commands: argparse._SubParsersAction[Any]) -> None:
    """Add `review` and its commands to the `briefbot` parser."""
    review = commands.add_parser("review", help="review the drafts from watched sources")
    actions = review.add_subparsers(dest="review_command", required=True)
    actions.add_parser("list", help="the drafts that wait for review")
    show = actions.add_parser("show", help="a draft's items, with their ids, and its edits")
    show.add_argument("draft", type=int, help="the draft's number (see review list)")
    edit = actions.add_parser("edit", help="correct one item of a pending draft")
    edit.add_argument("draft", type=int, help="the draft's number")
    edit.add_argument("item", help="the item's id (see review show)")
    edit.add_argument("--speaker", help="a quote's speaker: an actor's id, or a new person's name")
    role = edit.add_mutually_exclusive_group()
    role.add_argument("--role", help="the speaker's (or an actor's) role, as printed")
    role.add_argument("--no-role", action="store_true", help="the quote gives no role")
    edit.add_argument("--date", help="the item's date: 2019-11-22, 22 November 2019, 2019-11")
    effect = edit.add_mutually_exclusive_group()
    effect.add_argument("--effect", help="an event's effect on the agreement, e.g. extended")
    effect.add_argument("--no-effect", action="store_true", help="the event changes nothing")
    condition = edit.add_mutually_exclusive_group()
    condition.add_argument(
        "--conditional",
        dest="conditional",
        action="store_const",
        const=True,
        help="the suspension holds on a condition",
    )
    condition.add_argument("--unconditional", dest="conditional", action="store_const", const=False)
    edit.add_argument("--takes-effect", help="the day a notified termination takes effect")
    edit.add_argument("--reason", help="why, in your words (kept with the change)")
    for name, words in (("accept", "accept a draft into the store"), ("reject", "reject a draft")):
        decide = actions.add_parser(name, help=words)
        decide.add_argument("draft", type=int, help="the draft's number")


def run_review(args: argparse.Namespace, opened: Opener, seeds: Path) -> int:
    """Run the `review` command `args` names; its exit status."""
    from briefings.errors import BriefingError
    from briefings.review.desk import ReviewDesk

    found = opened("Not done")
    if found is None:
        return EXIT_FAILURE
    _, database = found
    desk = ReviewDesk(database, seeds)
    try:
        return _COMMANDS[args.review_command](desk, args)
    except BriefingError as error:  # decided already, refused, the database failed
        problems = getattr(error, "problems", [])
        first = f"; the first: {problems[0]}" if problems else ""
        print(f"Not done: {error}{first}", file=sys.stderr)
        return EXIT_FAILURE
    finally:
        database.dispose()


def _operator() -> Reviewer:
    """The person at the command line, deciding as one of the bot's owners."""
    from briefings.review.trust import Reviewer

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container's user with no name
        user = "an unnamed user"
    return Reviewer(f"{user} (command line)", None, owner=True)


def _list(desk: ReviewDesk, args: argparse.Namespace) -> int:
    from briefings.review.drafts import DraftStatus

    del args
    pending = desk.drafts(DraftStatus.PENDING)
    for draft in pending:
        print(f"{draft.id}: {draft.title} ({draft.url}), drafted {draft.created_at:%Y-%m-%d}")
    if not pending:
        print("No draft waits for review.")
    return EXIT_OK


def _show(desk: ReviewDesk, args: argparse.Namespace) -> int:
    from briefings.review.desk import UNDATED_ITEM, read_draft

    draft = desk.get(args.draft)
    if draft is None:
        print(f"Not done: there is no draft {args.draft}", file=sys.stderr)
        return EXIT_FAILURE
    contents = read_draft(draft)
    print(f"Draft {draft.id}: {draft.title} ({draft.url}), {draft.status}")
    if draft.undated:
        print(
            f"The page prints no date: give it one (briefbot review edit {draft.id} "
            f"{UNDATED_ITEM} --date YYYY-MM-DD), and its items are drafted against it."
        )
    for article in contents.articles:
        print(f"article {article.id}: “{article.title}”, {article.date} ({article.date_how})")
    for item in contents.items:
        out = " (left out)" if item.id in draft.dropped else ""
        print(f"{item.kind} {item.id}: {item.label}{out}")
        for line in (*(f"? {doubt}" for doubt in item.unsure), *(f"✎ {c}" for c in item.edited)):
            print(f"    {line}")
    for edit in desk.edits(draft.id):
        print(
            f"edited {edit.at:%Y-%m-%d %H:%M} UTC by {edit.by}: {edit.item} {edit.field}: "
            f"{edit.before} → {edit.after}"
        )
    return EXIT_OK


def _edit(desk: ReviewDesk, args: argparse.Namespace) -> int:
    from briefings.review.edits import Edit

    asked = {
        name: getattr(args, name)
        for name in (
            "speaker",
            "role",
            "no_role",
            "date",
            "effect",
            "no_effect",
            "conditional",
            "takes_effect",
            "reason",
        )
    }
    edit = Edit(item=args.item, **asked)
    now = dt.datetime.now(dt.UTC)  # the entry point reads the clock
    draft, changes = desk.edit(args.draft, edit, _operator(), now)
    for change in changes:
        print(f"draft {draft.id}: {change.item} {change.field}: {change.before} → {change.after}")
    return EXIT_OK


def _accept(desk: ReviewDesk, args: argparse.Namespace) -> int:
    result = desk.accept(args.draft, _operator(), dt.datetime.now(dt.UTC))
    print(f"Draft {args.draft} accepted: the store is at version {result.version}.")
    return EXIT_OK


def _reject(desk: ReviewDesk, args: argparse.Namespace) -> int:
    desk.reject(args.draft, _operator(), dt.datetime.now(dt.UTC))
    print(f"Draft {args.draft} rejected: kept, so its article is not drafted again.")
    return EXIT_OK


_COMMANDS: dict[str, Callable[[ReviewDesk, argparse.Namespace], int]] = {
    "list": _list,
    "show": _show,
    "edit": _edit,
    "accept": _accept,
    "reject": _reject,
}
