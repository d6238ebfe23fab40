"""Annotated dependency aliases: the only way handlers get a principal or a unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from app.container import Container
from app.db.uow import SqlUnitOfWork
from app.domain.auth.principal import Principal
from app.domain.errors import FieldError, InvalidInput, PreconditionRequired, Unauthenticated
from app.domain.pagination import PageRequest


async def container(request: Request) -> Container:
    # async: a plain def would be run in the thread pool on every request.
    c: Container = request.app.state.container
    return c


AppContainer = Annotated[Container, Depends(container)]


async def principal(request: Request, c: AppContainer) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("auth.token_missing")
    request_id = getattr(request.state, "request_id", "-")
    who = c.tokens.verify(token.strip(), request_id=request_id)
    request.state.subject = who.subject
    request.scope["state"]["subject"] = who.subject
    return who


CurrentPrincipal = Annotated[Principal, Depends(principal)]


async def read_uow(c: AppContainer) -> AsyncIterator[SqlUnitOfWork]:
    async with c.uow(readonly=True) as uow:
        yield uow


async def write_uow(c: AppContainer) -> AsyncIterator[SqlUnitOfWork]:
    async with c.uow(readonly=False) as uow:
        yield uow


ReadUow = Annotated[SqlUnitOfWork, Depends(read_uow)]
WriteUow = Annotated[SqlUnitOfWork, Depends(write_uow)]


def page_request(
    c: AppContainer,
    limit: Annotated[
        int | None, Query(description="Page size (1 to the maximum, default 50).")
    ] = None,
    cursor: Annotated[
        str | None, Query(description="Opaque cursor from `next_cursor`.", max_length=512)
    ] = None,
) -> tuple[int, str | None]:
    size = c.settings.page_size_default if limit is None else limit
    if size < 1 or size > c.settings.page_size_max:
        raise InvalidInput(
            "pagination.limit_out_of_range",
            params={"max": c.settings.page_size_max},
            fields=[
                FieldError(
                    "pagination.limit_out_of_range",
                    parameter="limit",
                    params={"max": c.settings.page_size_max},
                )
            ],
        )
    return size, cursor


Paging = Annotated[tuple[int, str | None], Depends(page_request)]


def make_page(paging: tuple[int, str | None], after: tuple[object, ...] | None) -> PageRequest:
    return PageRequest(limit=paging[0], after=after)


def if_match_required(
    if_match: Annotated[
        str | None, Header(description="ETag of the version being changed.")
    ] = None,
) -> int:
    if if_match is None:
        raise PreconditionRequired(
            "request.if_match_required",
            fields=[FieldError("request.if_match_required", header="If-Match")],
        )
    return parse_etag(if_match)


def if_match_optional(
    if_match: Annotated[str | None, Header(description="Optional ETag; 412 when stale.")] = None,
) -> int | None:
    return None if if_match is None else parse_etag(if_match)


def parse_etag(value: str) -> int:
    raw = value.strip()
    if raw.startswith("W/"):
        raw = raw[2:]
    raw = raw.strip('"')
    if not raw.isdigit():
        raise InvalidInput(
            "request.if_match_malformed",
            fields=[FieldError("request.if_match_malformed", header="If-Match")],
        )
    return int(raw)


def etag(version: int) -> str:
    return f'"{version}"'


IfMatch = Annotated[int, Depends(if_match_required)]
IfMatchOptional = Annotated[int | None, Depends(if_match_optional)]
