"""``Idempotency-Key`` on creating POSTs.

The key is claimed by inserting a row *inside the same transaction* as the change, so a
concurrent duplicate waits on the unique index and then sees the first request's row; the
change and the claim commit or vanish together. The response is stored right after commit and
replayed for the same key and body; the same key with another body is a 422.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError

from app.db.models import IdempotencyRow
from app.db.uow import SqlUnitOfWork
from app.domain.auth.principal import Principal
from app.domain.errors import Conflict, FieldError, InvalidInput, RuleViolation

_EXEMPT = {"audit_exempt": True}
_REPLAY_POLLS = 40
_REPLAY_POLL_SECONDS = 0.05


def _key_header(
    idempotency_key: Annotated[
        str | None,
        Header(
            description="Makes the request safe to retry: the same key and body replay the "
            "first response; another body with the same key is a 422."
        ),
    ] = None,
) -> str | None:
    if idempotency_key is None:
        return None
    if not (1 <= len(idempotency_key) <= 200) or not idempotency_key.isprintable():
        raise InvalidInput(
            "idempotency.key_malformed",
            fields=[FieldError("idempotency.key_malformed", header="Idempotency-Key")],
        )
    return idempotency_key


IdempotencyKey = Annotated[str | None, Depends(_key_header)]


async def _fingerprint(request: Request) -> str:
    body = await request.body()
    h = hashlib.sha256()
    h.update(request.method.encode() + b" " + request.url.path.encode() + b"\n")
    try:  # equal JSON with other spacing or key order is the same request
        h.update(json.dumps(json.loads(body or b"null"), sort_keys=True).encode())
    except ValueError:
        h.update(body)
    return h.hexdigest()


def _replay(row: StoredResponse, fingerprint: str) -> Response:
    if row.fingerprint != fingerprint:
        raise RuleViolation(
            "idempotency.key_reused",
            fields=[FieldError("idempotency.key_reused", header="Idempotency-Key")],
        )
    if row.status_code is None:
        raise Conflict("idempotency.in_progress", extra={"retry_after": 1})
    headers = dict(row.response_headers or {})
    headers["Idempotent-Replayed"] = "true"
    return Response(
        content=row.response_body or "",
        status_code=row.status_code,
        headers=headers,
        media_type="application/json",
    )


# The stored-response helpers below are shared with the GraphQL edge (app/graphql/
# fund_idempotency.py), which claims keys in the same table: one record per key, whichever edge.
@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status_code: int | None
    response_body: str | None
    response_headers: dict[str, str] | None


async def find_stored(uow: SqlUnitOfWork, principal: str, key: str) -> StoredResponse | None:
    stmt = sa.select(
        IdempotencyRow.fingerprint,
        IdempotencyRow.status_code,
        IdempotencyRow.response_body,
        IdempotencyRow.response_headers,
    ).where(IdempotencyRow.principal == principal, IdempotencyRow.key == key)
    row = (await uow.session.execute(stmt)).first()
    return StoredResponse(*row) if row else None


async def wait_settled(
    uow: SqlUnitOfWork, principal: str, key: str, row: StoredResponse
) -> StoredResponse:
    """The first request's response is stored just after its commit: wait briefly for it
    rather than bounce a duplicate that arrived in that instant."""
    for _ in range(_REPLAY_POLLS):
        if row.status_code is not None:
            break
        await asyncio.sleep(_REPLAY_POLL_SECONDS)
        found = await find_stored(uow, principal, key)
        await uow.session.rollback()
        if found is None:
            break
        row = found
    return row


async def run_idempotent(
    request: Request,
    uow: SqlUnitOfWork,
    actor: Principal,
    key: str | None,
    action: Callable[[], Awaitable[JSONResponse]],
) -> Response:
    """Run ``action`` (which calls one use case and renders its response) at most once per key."""
    if key is None:
        return await action()
    fingerprint = await _fingerprint(request)
    existing = await find_stored(uow, actor.subject, key)
    if existing is not None:
        await uow.session.rollback()
        return _replay(await wait_settled(uow, actor.subject, key, existing), fingerprint)
    try:
        await uow.session.execute(
            sa.insert(IdempotencyRow)
            .values(
                principal=actor.subject,
                key=key,
                method=request.method,
                path=request.url.path[:300],
                fingerprint=fingerprint,
                created_at=uow.clock.now(),
            )
            .execution_options(**_EXEMPT)
        )
    except IntegrityError:
        # Another request with this key committed first (we waited on its lock).
        await uow.session.rollback()
        existing = await find_stored(uow, actor.subject, key)
        await uow.session.rollback()
        if existing is None:
            raise Conflict("idempotency.in_progress", extra={"retry_after": 1}) from None
        return _replay(await wait_settled(uow, actor.subject, key, existing), fingerprint)
    response = await action()  # commits the change together with the claim
    headers: dict[str, Any] = {
        k: v for k, v in response.headers.items() if k.lower() in {"location", "etag"}
    }
    await uow.session.execute(
        sa.update(IdempotencyRow)
        .where(IdempotencyRow.principal == actor.subject, IdempotencyRow.key == key)
        .values(
            status_code=response.status_code,
            response_body=bytes(response.body).decode(),
            response_headers=headers,
        )
        .execution_options(**_EXEMPT)
    )
    await uow.session.commit()
    return response
