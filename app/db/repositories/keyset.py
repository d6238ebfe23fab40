"""Keyset (seek) pagination over (sort key, id): stable under inserts, one index range."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.domain.pagination import PageRequest


def _plain(value: Any) -> Any:
    # Cursors are JSON: dates and datetimes travel as ISO strings.
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _parse_like(column: Any, value: Any) -> Any:
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(value, str) and isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(value, str) and isinstance(kind, sa.Date):
        return dt.date.fromisoformat(value)
    return value


async def keyset_page(
    session: AsyncSession,
    stmt: sa.Select[Any],
    *,
    key_col: Any,
    desc: bool,
    id_col: Any,
    page: PageRequest,
) -> tuple[list[Any], tuple[Any, ...] | None]:
    """Run ``stmt`` ordered by (key, id) after ``page.after``; return rows and the next key."""
    if page.after is not None:
        key, last_id = page.after
        key = _parse_like(key_col, key)
        if desc:
            stmt = stmt.where(sa.or_(key_col < key, sa.and_(key_col == key, id_col < last_id)))
        else:
            stmt = stmt.where(sa.or_(key_col > key, sa.and_(key_col == key, id_col > last_id)))
    order = (key_col.desc(), id_col.desc()) if desc else (key_col.asc(), id_col.asc())
    stmt = stmt.add_columns(key_col.label("_k"), id_col.label("_id")).order_by(*order)
    rows = list((await session.execute(stmt.limit(page.limit + 1))).all())
    next_after = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1]
        next_after = (_plain(last._k), last._id)
    return rows, next_after
