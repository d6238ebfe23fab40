"""Self-service (a member's own token, /api/v1/members/me*) and member history over GraphQL:
helpers for their tests and the route guard's classification."""

from __future__ import annotations

from typing import Any

from app.domain.auth.scopes import Role
from tests.account_helpers import login


async def member_token(world: Any, client: Any, member_id: int, username: str) -> dict[str, str]:
    """A member-role account linked to ``member_id``, logged in."""
    account = {
        "username": username,
        "display_name": username,
        "role": Role.MEMBER.value,
        "org_id": world.ids["branch1"],
        "member_id": member_id,
        "password": "a long enough password",
    }
    r = await client.post("/api/v1/users", headers=world.auth(), json=account)
    assert r.status_code == 201, r.text
    token = (await login(client, username, "a long enough password")).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


SELF_ANCHOR_ONLY = {
    ("GET", "/api/v1/members/me/stage"): "the caller's own pipeline stage",
}
SELF_GRAPHQL_ANCHOR_ONLY = {"myMember", "myTransfers", "myStage"}
SELF_GRAPHQL: dict[str, tuple[str, Any]] = {
    "myMember": ("{ myMember { id } }", None),
    "myTransfers": ("{ myTransfers { edges { cursor } } }", None),
    "myStage": ("{ myStage { stage } }", None),
}
