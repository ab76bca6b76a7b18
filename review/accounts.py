"""Counsellors' accounts: argon2id password hashes, sign-in through the throttle (review/throttle.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from review import sessions, throttle
from review.schema import admins, counsellors
from review.store import ReviewStore

MIN_PASSWORD_LENGTH = 12
ROLES = ("counsellor", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Checked when the name has no account, so a wrong name takes as long as a wrong password.
_UNKNOWN_USER_HASH = hasher.hash("no account has this password")


class AccountError(ValueError):
    """A name or password the command line refuses, with a message for the person typing it."""


@dataclass(frozen=True)
class SignIn:
    outcome: str  # "ok", "failed" or "locked"
    username: str
    wait_seconds: float = 0  # when locked: how long until the next try is allowed

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def normalise(username: str) -> str:
    return username.strip().lower()


def add_counsellor(store: ReviewStore, username: str, password: str, replace: bool = False) -> None:
    """Create an account, or with `replace` set a new password for an existing one."""
    username = normalise(username)
    if not USERNAME.match(username):
        raise AccountError("a name is 2 to 64 letters, digits, dots, dashes or underscores")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    password_hash = hasher.hash(password)
    with store.engine.begin() as connection:
        exists = connection.scalar(sa.select(counsellors.c.id).where(counsellors.c.username == username))
        if exists and not replace:
            raise AccountError(f"{username} already has an account (use --replace to set a new password)")
        if exists:
            connection.execute(
                sa.update(counsellors).where(counsellors.c.id == exists).values(password_hash=password_hash)
            )
            throttle.clear(connection, [f"name:{username}"])
            sessions.end_all(connection, username)  # a stolen cookie dies with the old password
        else:
            connection.execute(
                sa.insert(counsellors).values(
                    username=username, password_hash=password_hash, created_at=store.clock()
                )
            )
        store.record(
            "command line",
            "set password" if exists else "created account",
            details=username,
            connection=connection,
        )


def remove_counsellor(store: ReviewStore, username: str) -> None:
    """Delete an account; its sessions end with it."""
    username = normalise(username)
    with store.engine.begin() as connection:
        removed = connection.execute(sa.delete(counsellors).where(counsellors.c.username == username))
        if removed.rowcount == 0:
            raise AccountError(f"{username} has no account")
        sessions.end_all(connection, username)
        connection.execute(sa.delete(admins).where(admins.c.username == username))
        store.record("command line", "removed account", details=username, connection=connection)


def is_admin(store: ReviewStore, username: str) -> bool:
    with store.engine.connect() as connection:
        return (
            connection.scalar(sa.select(admins.c.username).where(admins.c.username == username)) is not None
        )


def set_role(store: ReviewStore, username: str, role: str) -> None:
    """ROLES: an admin may also lift "keep", so the next purge may delete the conversation."""
    username = normalise(username)
    if role not in ROLES:
        raise AccountError(f"the role is one of {', '.join(ROLES)}")
    with store.engine.begin() as connection:
        if connection.scalar(sa.select(counsellors.c.id).where(counsellors.c.username == username)) is None:
            raise AccountError(f"{username} has no account")
        connection.execute(sa.delete(admins).where(admins.c.username == username))
        if role == "admin":
            connection.execute(sa.insert(admins).values(username=username, granted_at=store.clock()))
        store.record("command line", "set role", details=f"{username}: {role}", connection=connection)


def sign_in(store: ReviewStore, username: str, password: str, address: str) -> SignIn:
    """Check a name and password from a client address. Unknown names and wrong passwords fail
    alike; both count against the name and the address (review/throttle.py), and a throttled try is
    refused without checking the password or writing to the audit log."""
    username = normalise(username)[:64]
    throttled = throttle.keys(username, address)
    wait = throttle.take_try(store, throttled)
    if wait:
        return SignIn("locked", username, wait)
    with store.engine.connect() as connection:
        row = connection.execute(
            sa.select(counsellors.c.id, counsellors.c.password_hash).where(counsellors.c.username == username)
        ).first()
    try:
        hasher.verify(row.password_hash if row else _UNKNOWN_USER_HASH, password)
        verified = row is not None
    except (VerificationError, InvalidHashError):
        verified = False
    with store.engine.begin() as connection:
        if not verified:
            store.record(username or "-", "sign-in failed", connection=connection)
            return SignIn("failed", username)
        throttle.clear(connection, throttled)
        if hasher.check_needs_rehash(row.password_hash):
            connection.execute(
                sa.update(counsellors)
                .where(counsellors.c.id == row.id)
                .values(password_hash=hasher.hash(password))
            )
        store.record(username, "signed in", connection=connection)
    return SignIn("ok", username)
