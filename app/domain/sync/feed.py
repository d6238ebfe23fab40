"""The change feed: every audited change inside the client's subtree, in commit order, from
the transactional outbox. The cursor is opaque, bound to the client, and never skips a change
committed late by a slower transaction (the horizon, docs/decisions.md D12)."""

from __future__ import annotations

import base64
import binascii
import json

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import FieldError, InvalidInput
from app.domain.orgs.service import load_org
from app.domain.pagination import check_limit
from app.domain.ports import UnitOfWork
from app.domain.sync.clients import acting_client
from app.domain.sync.model import FeedPage

FEED_LIMIT_MAX = 1000
_START = (-1, 0)


def encode_feed_cursor(client_id: int, position: tuple[int, int]) -> str:
    raw = json.dumps({"v": 1, "c": client_id, "p": list(position)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_feed_cursor(cursor: str | None, client_id: int) -> tuple[int, int]:
    if not cursor:
        return _START
    bad = InvalidInput(
        "sync.cursor_invalid", fields=[FieldError("sync.cursor_invalid", parameter="since")]
    )
    try:
        data = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad from None
    if not isinstance(data, dict) or data.get("v") != 1 or data.get("c") != client_id:
        raise bad
    pos = data.get("p")
    if (
        not isinstance(pos, list)
        or len(pos) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in pos)
        or not (-1 <= pos[0] < 2**63 and 0 <= pos[1] < 2**63)
    ):
        raise bad
    return pos[0], pos[1]


async def read_changes(
    uow: UnitOfWork, actor: Principal, *, since: str | None, limit: int
) -> FeedPage:
    """Changes after ``since`` inside the client's subtree, oldest commit first."""
    actor.require(Scope.CHANGES_READ)
    check_limit(limit, maximum=FEED_LIMIT_MAX)
    client = await acting_client(uow, actor)
    after = decode_feed_cursor(since, client.id)
    anchor = await load_org(uow, actor, client.org_id)
    horizon = await uow.sync.horizon()
    items = await uow.sync.changes(anchor.path, after=after, horizon=horizon, limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    position = (items[-1].tx, items[-1].id) if items else after
    return FeedPage(items, encode_feed_cursor(client.id, position), more)
