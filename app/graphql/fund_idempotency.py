"""Idempotency keys for GraphQL mutations that move money, on the same table as REST's.

The key is claimed inside the mutation's transaction (a concurrent duplicate waits on the
unique index); the result's id is stored after the commit and a replay reloads that object.
The same key with other arguments is ``idempotency.key_reused``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from strawberry.types import Info

from app.api.idempotency import StoredResponse, find_stored, wait_settled
from app.db.models import IdempotencyRow
from app.db.uow import SqlUnitOfWork
from app.domain.auth.principal import Principal
from app.domain.errors import (
    Conflict,
    DomainError,
    ErrorKind,
    FieldError,
    InvalidInput,
    RuleViolation,
)
from app.graphql.context import Context
from app.graphql.errors import UserError, user_errors

_EXEMPT = {"audit_exempt": True}


class HasId(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=HasId)


def _check_key(key: str) -> None:
    if not (1 <= len(key) <= 200) or not key.isprintable():
        raise InvalidInput(
            "idempotency.key_malformed",
            fields=[FieldError("idempotency.key_malformed", pointer="/idempotencyKey")],
        )


def _stored_id(row: StoredResponse, fingerprint: str) -> int:
    if row.fingerprint != fingerprint:
        raise RuleViolation(
            "idempotency.key_reused",
            fields=[FieldError("idempotency.key_reused", pointer="/idempotencyKey")],
        )
    if row.status_code is None or not row.response_body:
        raise Conflict("idempotency.in_progress", extra={"retry_after": 1})
    return int(json.loads(row.response_body)["id"])


async def attempt_once(
    info: Info[Context, None],
    *,
    key: str,
    operation: str,
    arguments: dict[str, Any],
    run: Callable[[SqlUnitOfWork, Principal], Awaitable[R]],
    reload: Callable[[SqlUnitOfWork, Principal, int], Awaitable[R]],
) -> tuple[R | None, list[UserError]]:
    """Run ``run`` at most once per (caller, key); a replay answers ``reload`` of the first
    result. Domain errors become payload errors (nothing is kept, the key stays unused)."""
    actor = info.context.actor
    raw = json.dumps({"op": operation, "args": arguments}, sort_keys=True, default=str)
    fingerprint = hashlib.sha256(raw.encode()).hexdigest()
    try:
        _check_key(key)
        async with info.context.uow(readonly=False) as uow:
            existing = await find_stored(uow, actor.subject, key)
            if existing is None:
                try:
                    await uow.session.execute(
                        sa.insert(IdempotencyRow)
                        .values(
                            principal=actor.subject,
                            key=key,
                            method="GRAPHQL",
                            path=f"graphql:{operation}"[:300],
                            fingerprint=fingerprint,
                            created_at=uow.clock.now(),
                        )
                        .execution_options(**_EXEMPT)
                    )
                except IntegrityError:
                    await uow.session.rollback()
                    existing = await find_stored(uow, actor.subject, key)
                    if existing is None:
                        raise Conflict("idempotency.in_progress") from None
            if existing is not None:
                await uow.session.rollback()
                settled = await wait_settled(uow, actor.subject, key, existing)
                return await reload(uow, actor, _stored_id(settled, fingerprint)), []
            result = await run(uow, actor)  # commits the change with the claim
            await uow.session.execute(
                sa.update(IdempotencyRow)
                .where(IdempotencyRow.principal == actor.subject, IdempotencyRow.key == key)
                .values(status_code=200, response_body=json.dumps({"id": result.id}))
                .execution_options(**_EXEMPT)
            )
            await uow.session.commit()
            return result, []
    except DomainError as exc:
        if exc.kind is ErrorKind.UNAUTHENTICATED:
            raise
        return None, user_errors(exc, info.context.language)
