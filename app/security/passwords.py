"""Argon2id password hashes.

Hashing and verifying are deliberately slow (tens of milliseconds), so the async hasher runs
them in a worker thread and the event loop keeps serving other requests meanwhile.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal usernames.
_DUMMY = _hasher.hash("lianjian-no-such-account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


class Argon2Hasher:
    """The domain's PasswordHasher port."""

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(hash_password, password)

    async def verify(self, stored: str | None, password: str) -> bool:
        return await asyncio.to_thread(verify_password, stored, password)

    def needs_rehash(self, stored: str) -> bool:
        try:
            return _hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return False


ARGON2 = Argon2Hasher()
