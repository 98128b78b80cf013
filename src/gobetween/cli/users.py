"""``gobetween users``: create users, set passwords and issue API tokens from the shell."""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween.cli import options
from gobetween.cli.language import Group
from gobetween.errors import N_, NotFound
from gobetween.i18n import _
from gobetween.service import identity
from gobetween.service.security import PasswordHasher
from gobetween.service.settings import Settings
from gobetween.store import repositories
from gobetween.store.db import Database, upgrade
from gobetween.store.tables import User

__all__ = ["user_id", "users"]


def _hasher() -> PasswordHasher:
    s = Settings.from_env()
    return PasswordHasher(time_cost=s.argon2_time_cost, memory_kib=s.argon2_memory_kib)


@click.group(cls=Group, help=N_("Users: create, set a password, issue an API token."))
def users() -> None:
    """``gobetween users`` (help: the N_ text above)."""


@users.command("create", help=N_("Create a user who can log in and create processes."))
@options.database_url
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.password_option(help=N_("At least 10 characters (prompted when omitted)."))
def create(database_url: str, email: str, name: str, password: str) -> None:
    """``gobetween users create``."""
    database = Database(database_url)
    try:
        upgrade(database)
        # the refusals first, then Argon2 with nothing held: on SQLite the writing unit holds
        # the write lock of a server running on the same database
        with database.unit_of_work(write=False) as session:
            identity.check_new_user(session, email=email, name=name, password=password)
        hasher = _hasher()
        hashed = hasher.hash(password)
        with database.unit_of_work() as session:
            user = identity.create_user(
                session, hasher, email=email, name=name, password=password, hashed=hashed
            )
            click.echo(_("created user %(id)s <%(email)s>") % {"id": user.id, "email": user.email})
    finally:
        database.dispose()


def user_id(session: Session, email: str) -> int:
    """The id of the user with the e-mail ``email`` (as the service normalises it); refused
    with :class:`~gobetween.errors.NotFound` when there is none."""
    found = session.execute(
        select(User.id).where(User.email == identity.normalise_email(email))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(N_("no user with e-mail %(email)s"), params={"email": email})
    return found


def _user(database: Database, email: str) -> int:
    with database.unit_of_work(write=False) as session:
        return user_id(session, email)


@users.command("set-password", help=N_("Replace a user's password."))
@options.database_url
@click.option("--email", required=True)
@click.password_option()
def set_password(database_url: str, email: str, password: str) -> None:
    """``gobetween users set-password``."""
    database = Database(database_url)
    try:
        user_id = _user(database, email)
        identity.check_password(password, email)  # refused before any hash
        hasher = _hasher()
        hashed = hasher.hash(password)  # with nothing held (the server's write lock is free)
        with database.unit_of_work() as session:
            user = session.get(User, user_id)
            assert user is not None
            identity.set_password(session, hasher, user, password, hashed=hashed)
        click.echo(_("password changed"))
    finally:
        database.dispose()


@users.command(
    "token",
    help=N_("Issue an API token for a user and print it (shown once; stored only as a hash)."),
)
@options.database_url
@click.option("--email", required=True)
@click.option("--name", default="cli", show_default=True, help=N_("A label for the token."))
def token(database_url: str, email: str, name: str) -> None:
    """``gobetween users token``."""
    database = Database(database_url)
    try:
        user_id = _user(database, email)
        with database.unit_of_work() as session:
            _, plain = identity.create_api_token(
                session, repositories.load_actor(session, user_id), name
            )
        click.echo(plain)
    finally:
        database.dispose()
