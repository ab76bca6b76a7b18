"""`python -m review serve | add-counsellor NAME | remove-counsellor NAME | set-role NAME ROLE | purge |
unlock NAME`: the review app's command line."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from review.accounts import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    AccountError,
    add_counsellor,
    remove_counsellor,
    set_role,
)
from review.config import DEFAULT_HOST, DEFAULT_PORT, ReviewConfig
from review.store import ReviewStore


def serve(arguments: argparse.Namespace, config: ReviewConfig) -> int:
    import waitress

    from review.app import create_app

    store = ReviewStore(config.tracker_store_url)
    store.refresh()
    print(f"Counsellor review on http://{arguments.host}:{arguments.port}/", flush=True)
    waitress.serve(
        create_app(config, store), host=arguments.host, port=arguments.port, threads=8, ident="review"
    )
    return 0


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"Password (at least {MIN_PASSWORD_LENGTH} characters): ")
    if getpass.getpass("Same password again: ") != password:
        raise AccountError("the two passwords differ")
    return password


def account_change(change: Callable[[], None], done: str) -> int:
    """Run one change to the accounts; say it is done, or why not (exit code 1)."""
    try:
        change()
    except AccountError as error:
        print(f"Not done: {error}", file=sys.stderr)
        return 1
    print(done)
    return 0


def add(arguments: argparse.Namespace, config: ReviewConfig) -> int:
    def change() -> None:
        password = read_password(arguments.password_stdin)
        add_counsellor(
            ReviewStore(config.tracker_store_url), arguments.name, password, replace=arguments.replace
        )

    return account_change(change, f"{arguments.name.strip().lower()} can now sign in to the review app.")


def remove(arguments: argparse.Namespace, config: ReviewConfig) -> int:
    return account_change(
        lambda: remove_counsellor(ReviewStore(config.tracker_store_url), arguments.name),
        f"{arguments.name.strip().lower()}'s account is removed; any session it had has ended.",
    )


def role(arguments: argparse.Namespace, config: ReviewConfig) -> int:
    return account_change(
        lambda: set_role(ReviewStore(config.tracker_store_url), arguments.name, arguments.role),
        f"{arguments.name.strip().lower()} is now {arguments.role}.",
    )


def purge(arguments: argparse.Namespace, config: ReviewConfig) -> int:
    from review.retention import purge as purge_old

    days = arguments.older_than_days or config.retention_days
    purged = purge_old(ReviewStore(config.tracker_store_url), days)
    for conversation in purged:
        print(
            f"deleted {conversation.sender_id}: {conversation.event_count} events, "
            f"last message older than {days} days"
        )
    print(
        f"{len(purged)} conversation(s) older than {days} days deleted; conversations marked keep were left."
    )
    return 0


def unlock(arguments: argparse.Namespace, config: ReviewConfig) -> int:
    from review.throttle import unlock as unlock_now

    cleared = unlock_now(ReviewStore(config.tracker_store_url), arguments.names)
    for row in cleared:
        print(f"{row['key']} may sign in again ({row['failures']} tries counted, {row['refused']} refused)")
    if not cleared:
        print("No sign-in was being throttled for " + ", ".join(arguments.names) + ".")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m review", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve", help="run the review app")
    serving.add_argument("--host", default=DEFAULT_HOST)
    serving.add_argument("--port", type=int, default=DEFAULT_PORT)
    serving.set_defaults(run=serve)
    adding = commands.add_parser("add-counsellor", help="create a counsellor's account")
    adding.add_argument("name")
    adding.add_argument(
        "--password-stdin", action="store_true", help="read the password from one line of stdin"
    )
    adding.add_argument("--replace", action="store_true", help="set a new password for an existing account")
    adding.set_defaults(run=add)
    removing = commands.add_parser("remove-counsellor", help="delete a counsellor's account")
    removing.add_argument("name")
    removing.set_defaults(run=remove)
    roles = commands.add_parser("set-role", help="make a counsellor an admin (who may lift keep), or not")
    roles.add_argument("name")
    roles.add_argument("role", choices=ROLES)
    roles.set_defaults(run=role)
    purging = commands.add_parser("purge", help="delete old conversations, except those marked keep")
    purging.add_argument("--older-than-days", type=int, help="default: RETENTION_DAYS, else 90")
    purging.set_defaults(run=purge)
    unlocking = commands.add_parser("unlock", help="let a name or client address sign in again at once")
    unlocking.add_argument("names", nargs="+", metavar="NAME_OR_ADDRESS")
    unlocking.set_defaults(run=unlock)
    arguments = parser.parse_args(argv)
    serving_on = {"host": arguments.host, "port": arguments.port} if arguments.command == "serve" else {}
    return arguments.run(arguments, ReviewConfig.from_environment(**serving_on))


if __name__ == "__main__":
    sys.exit(main())
