"""Local accounts: who may sign in, with which role (and, for a department head, which unit).

Passwords are hashed with Argon2id (argon2-cffi's defaults) and never kept or logged; a
hash made with weaker parameters than today's is replaced at the next good sign-in. There is
no default account and no default password: the first admin comes from the command line
(`python -m metrics users add NAME --role admin`). Sign-in itself (pages, sessions, rate
limits, single sign-on) is the web app's, in a later part of issue 11.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from base.catalogue import Catalogue
from metrics import audit
from metrics.schema import users
from metrics.store import Store

ROLES = ("leadership", "focal_point", "department_head", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12
# Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): the library's default
# (64 MiB, 4 lanes) made thirty people signing in at once take a web worker from 235 MB to
# 480 MB. Hashes made before are re-made with these at their next sign-in. At most
# CONCURRENT_HASHES run at once in a process, which bounds that memory.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
CONCURRENT_HASHES = 2
_hashing = threading.BoundedSemaphore(CONCURRENT_HASHES)
# Checked when the username is unknown, so that an unknown name costs the same time as a
# wrong password (the time would otherwise tell which names exist).
_DUMMY_HASH = _HASHER.hash("not a password anyone has")


class AccountError(ValueError):
    """A request about accounts that cannot be met; the message says why, for the operator."""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    unit: str
    active: bool
    changed_at: float = 0.0  # its last change: a session begun before it (a reset) ends


def _user(row: Any) -> User:
    return User(row.username, row.display_name, row.role, row.unit, bool(row.active), row.updated_at)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")


def add(
    store: Store,
    catalogue: Catalogue,
    username: str,
    role: str,
    password: str,
    *,
    display_name: str = "",
    unit: str = "",
    actor: str = "command line",
) -> User:
    if not USERNAME.match(username):
        raise AccountError("a username is 2 to 64 lower-case letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (roles: {', '.join(ROLES)})")
    if role == "department_head" and unit not in catalogue.units:
        raise AccountError(f"a department head needs the code of their unit (--unit); '{unit}' is not one")
    if role != "department_head" and unit:
        raise AccountError("only a department head has a unit")
    _check_password(password)
    now = time.time()
    try:
        with store.engine.begin() as connection:
            connection.execute(
                insert(users).values(
                    username=username,
                    display_name=(display_name or username)[:200],
                    role=role,
                    unit=unit,
                    password_hash=_hash(password),
                    active=1,
                    created_at=now,
                    updated_at=now,
                )
            )
    except IntegrityError:
        raise AccountError(f"the username '{username}' is taken") from None
    audit.record(store, "user_add", username, actor=actor, detail=f"{role} {unit}".strip())
    return User(username, display_name or username, role, unit, True, now)


def _change(store: Store, username: str, action: str, actor: str, **values: Any) -> None:
    with store.engine.begin() as connection:
        changed = connection.execute(
            update(users).where(users.c.username == username).values(updated_at=time.time(), **values)
        ).rowcount
    if not changed:
        raise AccountError(f"no account '{username}'")
    audit.record(store, action, username, actor=actor)


def disable(store: Store, username: str, actor: str = "command line") -> None:
    _change(store, username, "user_disable", actor, active=0)


def reset(store: Store, username: str, password: str, actor: str = "command line") -> None:
    _check_password(password)
    _change(store, username, "user_reset", actor, password_hash=_hash(password), active=1)


def listed(store: Store) -> list[User]:
    with store.engine.connect() as connection:
        return [_user(row) for row in connection.execute(select(users).order_by(users.c.username))]


def found(store: Store, username: str) -> User | None:
    with store.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.username == username)).first()
    return _user(row) if row is not None else None


def first_admin(store: Store, catalogue: Catalogue) -> tuple[User, str] | None:
    """On a store with no account at all, an admin with a new random password (to be shown
    once, on the console of whoever started the IOC); None once any account exists."""
    with store.engine.connect() as connection:
        if connection.execute(select(users.c.id).limit(1)).first() is not None:
            return None
    password = secrets.token_urlsafe(12)
    return add(store, catalogue, "quan-tri", "admin", password, display_name="Quản trị IOC"), password


def _hash(password: str) -> str:
    with _hashing:
        return _HASHER.hash(password)


def verify(store: Store, username: str, password: str) -> User | None:
    """The active account these credentials open, else None (whatever was wrong)."""
    with store.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.username == username)).first()
    try:
        with _hashing:
            _HASHER.verify(row.password_hash if row is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _HASHER.check_needs_rehash(row.password_hash):
        with store.engine.begin() as connection:
            connection.execute(update(users).where(users.c.id == row.id).values(password_hash=_hash(password)))
    return _user(row)
