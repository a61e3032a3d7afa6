"""Tokens given once to whoever holds them (a wall screen's device, a read API consumer): made
random, shown once, kept only as their SHA-256, and looked up by it."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import Table, bindparam, select

from metrics.store import Store

TOKEN_BYTES = 32
MAX_LENGTH = 200  # a longer "token" is none of ours: refused before hashing
_LOOKUPS: dict[str, Any] = {}  # a table's lookup statement, built once: every call of the API asks


def new(prefix: str = "") -> tuple[str, str]:
    """A new token and the digest to keep of it."""
    token = prefix + secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def row_of(store: Store, table: Table, token: str) -> Any:
    """The row of table (with a token_hash column) this token belongs to, else None."""
    if not token or len(token) > MAX_LENGTH:
        return None
    lookup = _LOOKUPS.get(table.name)
    if lookup is None:
        lookup = _LOOKUPS[table.name] = select(table).where(table.c.token_hash == bindparam("token_hash"))
    with store.engine.connect() as connection:
        return connection.execute(lookup, {"token_hash": digest(token)}).first()
