"""The change feed never skips a change committed late by a transaction that began earlier
(PostgreSQL: ids are assigned at insert, not at commit; SQLite serialises writers)."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from app.db.models import OrgRow
from app.domain.auth.principal import SYSTEM
from tests.dbs import BACKEND
from tests.member_fixtures import make_member
from tests.sync_fixtures import client_auth

pytestmark = pytest.mark.skipif(
    BACKEND != "postgres", reason="SQLite runs one writer at a time: commit order is id order"
)


async def _drain(client, headers, since):
    items = []
    while True:
        page = (
            await client.get(
                "/api/v1/changes", headers=headers, params={"since": since} if since else {}
            )
        ).json()
        items += page["items"]
        since = page["next_cursor"]
        if not page["has_more"]:
            return items, since


async def test_slow_transaction_committing_late_is_never_skipped(world, client, container):
    h = await client_auth(world, client)
    # Transaction ids are cluster-wide, so other databases' open transactions may hold the
    # horizon back for a moment too: the test accumulates what it sees instead of timing it.
    seen, cursor = await _drain(client, h, None)
    branch = world.ids["branch1"]
    async with container.uow() as slow:
        # The slow transaction writes first: its outbox row gets the lower id.
        await slow.session.execute(
            sa.update(OrgRow).where(OrgRow.id == branch).values(name="慢事务改名")
        )
        await slow.audit.record(
            SYSTEM,
            action="org.update",
            target_type="org",
            target_id=branch,
            org_id=branch,
            changes={"name": {"from": "同鑫陶瓷党支部", "to": "慢事务改名"}},
        )
        # A fast transaction starts later and commits first.
        fast = await make_member(world, client, 31, "branch2")
        more, cursor = await _drain(client, h, cursor)
        seen += more
        # The fast change is held back while an older transaction may still commit.
        assert ("member.create", str(fast["id"])) not in {
            (c["action"], c["entity_id"]) for c in seen
        }
        await slow.commit()
    for _ in range(300):
        more, cursor = await _drain(client, h, cursor)
        seen += more
        if any(c["action"] == "member.create" for c in more):
            break
        await asyncio.sleep(0.1)
    keys = [(c["action"], c["entity_id"]) for c in seen]
    assert len({c["id"] for c in seen}) == len(seen)  # nothing twice
    slow_at = keys.index(("org.update", str(branch)))
    fast_at = keys.index(("member.create", str(fast["id"])))
    assert slow_at < fast_at  # commit-safe order: nothing skipped, the slow one first
