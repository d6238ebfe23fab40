"""Staff account administration through the REST API."""

from __future__ import annotations

import datetime as dt

import jwt
import sqlalchemy as sa

from app.db.models import EnterpriseRow, OrgRow, RefreshTokenRow, UserRow
from app.domain.auth.scopes import Role
from tests.account_helpers import PASSWORD, audit_rows, login, make_user, token_row


def _new(world, username: str, **over):
    body = {
        "username": username,
        "display_name": "城东园区党建办",
        "role": "park_admin",
        "org_id": world.ids["park"],
        "password": "a long enough password",
    }
    body.update(over)
    return body


async def _enterprise(container, world, org: str, code: str) -> int:
    """An enterprise row straight into the database (its own API is another area's)."""
    now = dt.datetime.now(dt.UTC)
    async with container.db.write_sessions() as s:
        path = (
            await s.execute(sa.select(OrgRow.path).where(OrgRow.id == world.ids[org]))
        ).scalar_one()
        ent_id = (
            await s.execute(
                sa.insert(EnterpriseRow)
                .values(
                    name=f"企业{code}",
                    credit_code=code,
                    kind="enterprise",
                    industry="陶瓷",
                    above_scale=False,
                    employee_count=12,
                    org_id=world.ids[org],
                    org_path=path,
                    coverage_status="none",
                    status="active",
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
                .returning(EnterpriseRow.id)
            )
        ).scalar_one()
        await s.commit()
    return int(ent_id)


async def test_create_get_list_and_log_in(world, client, container):
    h = world.auth()  # district admin
    r = await client.post(
        "/api/v1/users",
        headers={**h, "X-Request-ID": "req-user-0001"},
        json=_new(world, "Park.One"),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/api/v1/users/{body['id']}"
    assert body["username"] == "park.one" and body["active"] is True
    assert body["org_id"] == world.ids["park"] and body["enterprise_id"] is None
    assert not any("password" in k or "hash" in k for k in body)
    async with container.db.read_sessions() as s:
        stored = (
            await s.execute(sa.select(UserRow.password_hash).where(UserRow.id == body["id"]))
        ).scalar_one()
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored
    [entry] = await audit_rows(container, "user.create")
    assert entry.target_id == str(body["id"]) and entry.request_id == "req-user-0001"
    assert entry.changes["role"] == "park_admin"
    assert "password" not in str(entry.changes) and "argon2" not in str(entry.changes)

    got = await client.get(f"/api/v1/users/{body['id']}", headers=h)
    assert got.status_code == 200 and got.json() == body

    for name, org in (("branch.sec", "branch1"), ("street.admin", "street")):
        role = "branch_secretary" if org == "branch1" else "street_admin"
        r = await client.post(
            "/api/v1/users", headers=h, json=_new(world, name, role=role, org_id=world.ids[org])
        )
        assert r.status_code == 201, r.text
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/users", headers=h, params=params)).json()
        seen += [u["username"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["branch.sec", "park.one", "street.admin"]
    r = await client.get(
        "/api/v1/users", headers=h, params={"org_id": world.ids["park"], "role": "branch_secretary"}
    )
    assert [u["username"] for u in r.json()["items"]] == ["branch.sec"]
    r = await client.get("/api/v1/users", headers=world.auth(Role.PARK_ADMIN, "park"))
    assert {u["username"] for u in r.json()["items"]} == {"branch.sec", "park.one"}

    r = await login(client, "park.one", "a long enough password")
    assert r.status_code == 200 and r.json()["org_id"] == world.ids["park"]


async def test_privilege_escalation_is_refused(world, client, container):
    park = world.auth(Role.PARK_ADMIN, "park")
    r = await client.post(
        "/api/v1/users", headers=park, json=_new(world, "wannabe", role="district_admin")
    )
    assert r.status_code == 403 and r.json()["code"] == "user.role_not_grantable"
    assert r.json()["errors"][0]["pointer"] == "/role"
    r = await client.post(
        "/api/v1/users",
        headers=park,
        json=_new(world, "peer.admin", org_id=world.ids["branch1"]),
    )
    assert r.status_code == 201
    r = await client.post(
        "/api/v1/users", headers=park, json=_new(world, "machine", role="sync_client")
    )
    assert r.status_code == 422 and r.json()["code"] == "user.role_not_allowed"
    # A district admin anchored inside the park (made by the system) is beyond a park admin.
    boss = await make_user(world, "boss", role=Role.DISTRICT_ADMIN, org="park")
    r = await client.post(
        f"/api/v1/users/{boss}/password", headers=park, json={"password": "x" * 12}
    )
    assert r.status_code == 403 and r.json()["code"] == "user.role_not_grantable"
    r = await client.post(f"/api/v1/users/{boss}/deactivate", headers=park)
    assert r.status_code == 403
    assert (await login(client, "boss")).status_code == 200  # untouched
    # Without accounts:write there is nothing to do here at all.
    analyst = world.auth(Role.ANALYST, "district")
    r = await client.post("/api/v1/users", headers=analyst, json=_new(world, "nope"))
    assert r.status_code == 403 and r.json()["code"] == "auth.scope_missing"
    assert (await client.get("/api/v1/users", headers=analyst)).status_code == 403
    async with container.db.read_sessions() as s:
        names = set((await s.execute(sa.select(UserRow.username))).scalars())
    assert names == {"peer.admin", "boss"}


async def test_foreign_subtree_is_not_found(world, client):
    user_id = await make_user(world, "local.admin", org="park")
    other = world.auth(Role.DISTRICT_ADMIN, "other_district")
    r = await client.get(f"/api/v1/users/{user_id}", headers=other)
    missing = await client.get("/api/v1/users/999999", headers=other)
    assert r.status_code == missing.status_code == 404
    assert r.json()["code"] == "user.not_found" and r.json()["title"] == missing.json()["title"]
    r = await client.post(f"/api/v1/users/{user_id}/deactivate", headers=other)
    assert r.status_code == 404
    r = await client.post(
        f"/api/v1/users/{user_id}/password", headers=other, json={"password": "y" * 12}
    )
    assert r.status_code == 404
    r = await client.get("/api/v1/users", headers=other, params={"org_id": world.ids["park"]})
    assert r.status_code == 404 and r.json()["code"] == "org.not_found"
    r = await client.post(
        "/api/v1/users", headers=other, json=_new(world, "intruder", org_id=world.ids["park"])
    )
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/org_id"
    assert (await client.get("/api/v1/users", headers=other)).json()["items"] == []


async def test_input_rules(world, client):
    h = world.auth()
    assert (await client.post("/api/v1/users", headers=h, json=_new(world, "alice"))).is_success
    r = await client.post("/api/v1/users", headers=h, json=_new(world, "ALICE"))
    assert r.status_code == 409 and r.json()["code"] == "user.username_taken"
    r = await client.post("/api/v1/users", headers=h, json=_new(world, "bob", password="short"))
    assert r.status_code == 422 and r.json()["code"] == "user.password_too_short"
    assert r.json()["errors"][0]["pointer"] == "/password"
    r = await client.post(
        "/api/v1/users", headers=h, json=_new(world, "carol.smith", password="Carol.Smith")
    )
    assert r.status_code == 422 and r.json()["code"] == "user.password_is_username"
    r = await client.post("/api/v1/users", headers=h, json=_new(world, "no spaces"))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/username"
    r = await client.post("/api/v1/users", headers=h, json={**_new(world, "dave"), "admin": True})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/admin"
    r = await client.post(f"/api/v1/orgs/{world.ids['branch3']}/dissolve", headers=h)
    assert r.status_code == 200
    r = await client.post(
        "/api/v1/users", headers=h, json=_new(world, "erin", org_id=world.ids["branch3"])
    )
    assert r.status_code == 422 and r.json()["code"] == "org.dissolved"


async def test_enterprise_contacts(world, client, container):
    h = world.auth()
    ent = await _enterprise(container, world, "park", "91350500MA00000001")
    community_ent = await _enterprise(container, world, "community", "91350500MA00000002")
    foreign_ent = await _enterprise(container, world, "other_park", "91350500MA00000003")
    contact = {"role": "enterprise_contact", "org_id": world.ids["park"]}
    r = await client.post("/api/v1/users", headers=h, json=_new(world, "owner", **contact))
    assert r.status_code == 422 and r.json()["code"] == "user.enterprise_required"
    r = await client.post(
        "/api/v1/users", headers=h, json=_new(world, "owner", **contact, enterprise_id=foreign_ent)
    )
    assert r.status_code == 404 and r.json()["code"] == "user.enterprise_not_found"
    r = await client.post(
        "/api/v1/users",
        headers=h,
        json=_new(world, "owner", **contact, enterprise_id=community_ent),
    )
    assert r.status_code == 422 and r.json()["code"] == "user.enterprise_outside_org"
    r = await client.post("/api/v1/users", headers=h, json=_new(world, "admin2", enterprise_id=ent))
    assert r.status_code == 422 and r.json()["code"] == "user.enterprise_not_applicable"
    r = await client.post(
        "/api/v1/users", headers=h, json=_new(world, "owner", **contact, enterprise_id=ent)
    )
    assert r.status_code == 201 and r.json()["enterprise_id"] == ent
    tokens = (await login(client, "owner", "a long enough password")).json()
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["ent"] == ent and claims["role"] == "enterprise_contact"


async def test_deactivate_and_reset_password(world, client, container):
    h = world.auth()
    user_id = await make_user(world, "worker")
    tokens = (await login(client, "worker")).json()
    r = await client.post(
        f"/api/v1/users/{user_id}/password", headers=h, json={"password": "brand new secret"}
    )
    assert r.status_code == 204
    assert (await login(client, "worker")).status_code == 401
    fresh = await login(client, "worker", "brand new secret")
    assert fresh.status_code == 200
    assert (await token_row(container, tokens["refresh_token"])).revoked_at is not None
    [entry] = await audit_rows(container, "user.password_reset")
    assert entry.changes == {"refresh_tokens_revoked": 1}
    r = await client.post(f"/api/v1/users/{user_id}/password", headers=h, json={"password": "abc"})
    assert r.status_code == 422 and r.json()["code"] == "user.password_too_short"

    r = await client.post(f"/api/v1/users/{user_id}/deactivate", headers=h)
    assert r.status_code == 200 and r.json()["active"] is False
    async with container.db.read_sessions() as s:
        live = (
            await s.execute(
                sa.select(sa.func.count())
                .select_from(RefreshTokenRow)
                .where(RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None))
            )
        ).scalar_one()
    assert live == 0
    [entry] = await audit_rows(container, "user.deactivate")
    assert entry.changes["active"] == {"from": True, "to": False}
    assert entry.changes["refresh_tokens_revoked"] == 1
    r = await client.post(f"/api/v1/users/{user_id}/deactivate", headers=h)
    assert r.status_code == 409 and r.json()["code"] == "user.already_inactive"
    r = await client.get("/api/v1/users", headers=h, params={"active": "false"})
    assert [u["id"] for u in r.json()["items"]] == [user_id]


async def test_cannot_deactivate_yourself(world, client):
    me = await make_user(world, "self.admin", role=Role.PARK_ADMIN, org="park")
    token = (await login(client, "self.admin", PASSWORD)).json()["access_token"]
    r = await client.post(
        f"/api/v1/users/{me}/deactivate", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 422 and r.json()["code"] == "user.cannot_deactivate_self"


async def test_idempotent_create(world, client, container):
    h = {**world.auth(), "Idempotency-Key": "create-user-1"}
    first = await client.post("/api/v1/users", headers=h, json=_new(world, "once"))
    again = await client.post("/api/v1/users", headers=h, json=_new(world, "once"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert len(await audit_rows(container, "user.create")) == 1


async def test_username_race_leaves_the_transaction_usable(world, container):
    """A unique-username clash found only at INSERT (the check raced) is a clean None."""
    from app.domain.accounts.model import NewUser

    new = NewUser(
        username="racy",
        display_name="x",
        role=Role.PARK_ADMIN,
        org_id=world.ids["park"],
        enterprise_id=None,
    )
    now = dt.datetime.now(dt.UTC)
    async with container.uow() as uow:
        first = await uow.accounts.add(new, password_hash="h", now=now)
        assert first is not None
        assert await uow.accounts.add(new, password_hash="h", now=now) is None
        assert (await uow.accounts.get(first.id)) == first  # still usable after the clash


async def test_me(world, client):
    user_id = await make_user(world, "myself", role=Role.MEMBER, org="branch2")
    token = (await login(client, "myself")).json()["access_token"]
    r = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["id"] == user_id and r.json()["role"] == "member"
    r = await client.get("/api/v1/users/me", headers=world.auth())  # not a user's token
    assert r.status_code == 404 and r.json()["code"] == "user.not_found"
