"""Roster sync: machine clients and the client-credentials grant, member batches, the feed."""

from __future__ import annotations

import base64
import datetime as dt
import json

import sqlalchemy as sa

from app.db.models import ChangeOutboxRow, MemberRow
from app.domain.auth.scopes import Role
from tests.fund_fixtures import make_pool
from tests.member_fixtures import count_mismatches, make_member, national_id
from tests.sync_fixtures import (
    client_auth,
    client_token,
    follow_feed,
    make_client,
    member_row,
    sync_tables,
)

# ---------------------------------------------------------------- clients and tokens


async def test_register_client_issues_a_secret_once_and_stores_only_its_hash(
    world, client, container
):
    reg = await make_client(world, client)
    assert reg["client_id"].startswith("ljc_") and reg["client_secret"].startswith("ljs_")
    assert reg["org_id"] == world.ids["district"] and reg["active"] is True
    got = await client.get(f"/api/v1/sync/clients/{reg['id']}", headers=world.auth())
    assert got.status_code == 200 and "client_secret" not in got.json()
    listed = await client.get("/api/v1/sync/clients", headers=world.auth())
    assert [c["id"] for c in listed.json()["items"]] == [reg["id"]]
    async with container.db.read_sessions() as s:
        raw = (await s.execute(sa.text("SELECT secret_hash FROM sync_clients"))).scalar_one()
    assert reg["client_secret"] not in raw and len(raw) == 64


async def test_register_client_rules(world, client):
    h = world.auth()
    r = await client.post(
        "/api/v1/sync/clients",
        headers=h,
        json={"org_id": world.ids["park"], "name": "x", "scopes": ["members:read"]},
    )
    assert r.status_code == 422 and r.json()["code"] == "sync.client_org_kind"
    r = await client.post(
        "/api/v1/sync/clients",
        headers=h,
        json={"org_id": world.ids["district"], "name": "x", "scopes": ["audit:read"]},
    )
    assert r.status_code == 422 and r.json()["code"] == "sync.scope_not_allowed"
    r = await client.post(
        "/api/v1/sync/clients",
        headers=world.auth(Role.STREET_ADMIN, "street"),
        json={"org_id": world.ids["street"], "name": "x", "scopes": ["members:read"]},
    )
    assert r.status_code == 403  # sync:admin is for district administrators
    r = await client.post(
        "/api/v1/sync/clients",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        json={"org_id": world.ids["district"], "name": "x", "scopes": ["members:read"]},
    )
    assert r.status_code == 404


async def test_client_credentials_grant_issues_an_anchored_client_token(world, client):
    reg = await make_client(world, client, scopes=["members:read", "changes:read"])
    r = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "members:read"},
        auth=(reg["client_id"], reg["client_secret"]),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "members:read"
    assert r.headers["cache-control"] == "no-store"
    payload = body["access_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["sub"] == f"client:{reg['id']}" and claims["role"] == "sync_client"
    assert claims["org"] == world.ids["district"] and claims["scope"] == "members:read"


async def test_token_endpoint_answers_rfc6749_errors(world, client):
    reg = await make_client(world, client, scopes=["members:read"])
    good = {"client_id": reg["client_id"], "client_secret": reg["client_secret"]}
    cases = [
        (
            {"grant_type": "client_credentials", **good, "client_secret": "wrong"},
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "ljc_nobody", "client_secret": "x"},
            401,
            "invalid_client",
        ),
        ({"grant_type": "password", **good}, 400, "unsupported_grant_type"),
        ({**good}, 400, "invalid_request"),
        (
            {"grant_type": "client_credentials", **good, "scope": "members:write"},
            400,
            "invalid_scope",
        ),
    ]
    for form, status, error in cases:
        r = await client.post("/oauth/token", data=form)
        assert r.status_code == status, (form, r.text)
        assert r.json()["error"] == error and r.json()["error_description"]
    r = await client.post("/oauth/token", json={"grant_type": "client_credentials", **good})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


async def test_rotated_secret_keeps_the_old_one_for_the_grace_period(world, client):
    reg = await make_client(world, client)
    r = await client.post(
        f"/api/v1/sync/clients/{reg['id']}/secret", headers=world.auth(), json={"grace_hours": 2}
    )
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["client_secret"] != reg["client_secret"] and new["previous_secret_valid_until"]
    await client_token(client, reg)  # old secret, within the grace period
    await client_token(client, {**reg, "client_secret": new["client_secret"]})
    r = await client.post(
        f"/api/v1/sync/clients/{reg['id']}/secret", headers=world.auth(), json={"grace_hours": 0}
    )
    newer = r.json()["client_secret"]
    for old in (reg["client_secret"], new["client_secret"]):
        bad = await client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": reg["client_id"],
                "client_secret": old,
            },
        )
        assert bad.status_code == 401
    await client_token(client, {**reg, "client_secret": newer})


async def test_suspended_client_gets_no_token_and_no_sync(world, client):
    reg = await make_client(world, client)
    token = await client_token(client, reg)
    r = await client.post(f"/api/v1/sync/clients/{reg['id']}/deactivate", headers=world.auth())
    assert r.status_code == 200 and r.json()["active"] is False
    bad = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": reg["client_id"],
            "client_secret": reg["client_secret"],
        },
    )
    assert bad.status_code == 401
    r = await client.get("/api/v1/changes", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.json()["code"] == "sync.not_a_client"


# ---------------------------------------------------------------- member batches


async def test_member_batch_creates_then_reimport_is_unchanged_and_writes_nothing(
    world, client, container
):
    h = await client_auth(world, client)
    rows = [
        member_row(world, i, "branch1" if i % 2 else "branch3", phone="13812345678")
        for i in range(1, 6)
    ]
    r = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": rows})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["created"], body["rejected"]) == (5, 0)
    assert all(x["status"] == "created" and x["id"] for x in body["results"])
    assert await count_mismatches(container) == []
    org = (await client.get(f"/api/v1/orgs/{world.ids['branch1']}", headers=world.auth())).json()
    assert org["member_count"] == 3
    before = await sync_tables(container)
    again = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": rows})
    assert again.json()["unchanged"] == 5
    assert [x["id"] for x in again.json()["results"]] == [x["id"] for x in body["results"]]
    assert await sync_tables(container) == before  # unchanged rows write nothing at all
    # Personal numbers never reach the outbox, not even encrypted.
    async with container.db.read_sessions() as s:
        outbox = (await s.execute(sa.select(ChangeOutboxRow.changes))).scalars().all()
    dumped = json.dumps(outbox, ensure_ascii=False)
    assert rows[0]["national_id"] not in dumped and "13812345678" not in dumped
    assert "national_id_enc" not in dumped and "v1." not in dumped


async def test_member_batch_updates_only_what_changed_and_matches_by_id_number(
    world, client, container
):
    existing = await make_member(world, client, 77, name="旧名字")
    h = await client_auth(world, client)
    row = member_row(
        world,
        0,
        external_id="HR-77",
        name="新名字",
        gender="male",
        birth_date=dt.date(1990, 1, 1),
        national_id=national_id(dt.date(1990, 1, 1), 77),
        join_date="2015-07-01",
        full_member_date="2016-07-01",
        phone="13900001111",
    )
    r = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": [row]})
    res = r.json()["results"][0]
    assert res["status"] == "updated" and res["id"] == existing["id"]
    m = (await client.get(f"/api/v1/members/{existing['id']}", headers=world.auth())).json()
    assert m["name"] == "新名字" and m["phone"] == "13900001111" and m["version"] == 2
    # Now mapped: the same external id with another name updates the same member.
    r = await client.post(
        "/api/v1/sync/members:batch", headers=h, json={"rows": [{**row, "name": "三改"}]}
    )
    assert r.json()["results"][0] == {
        "index": 0,
        "external_id": "HR-77",
        "status": "updated",
        "id": existing["id"],
        "problems": [],
    }
    async with container.db.read_sessions() as s:
        n = (await s.execute(sa.select(sa.func.count()).select_from(MemberRow))).scalar_one()
    assert n == 1  # re-imports never duplicate


async def test_one_bad_row_never_aborts_the_others(world, client, container):
    h = await client_auth(world, client)
    good = member_row(world, 1)
    bad_checksum = member_row(world, 2)
    bad_checksum["national_id"] = bad_checksum["national_id"][:17] + (
        "0" if bad_checksum["national_id"][17] != "0" else "1"
    )
    rows = [
        good,
        bad_checksum,
        {**member_row(world, 3), "external_id": good["external_id"]},  # duplicate external id
        {**member_row(world, 4), "gender": "x", "birth_date": "1990-13-01"},  # wrong types
        {**member_row(world, 5), "org_id": world.ids["park"]},  # a park holds no members
        {**member_row(world, 6), "org_id": world.ids["other_branch"]},  # outside the subtree
        {**member_row(world, 7), "colour": "red"},  # unknown field
        "not an object",
        {**member_row(world, 8), "national_id": good["national_id"], "birth_date": "1985-03-04"},
    ]
    r = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": rows})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["created"] + ["rejected"] * 8
    problems = {x["index"]: {(p["code"], p["pointer"]) for p in x["problems"]} for x in results}
    assert problems[1] == {("member.national_id_invalid", "/rows/1/national_id")}
    assert problems[2] == {("sync.duplicate_external_id", "/rows/2/external_id")}
    assert problems[3] == {
        ("sync.value_invalid", "/rows/3/gender"),
        ("sync.value_invalid", "/rows/3/birth_date"),
    }
    assert problems[4] == {("member.org_cannot_hold_members", "/rows/4/org_id")}
    assert problems[5] == {("org.not_found", "/rows/5/org_id")}
    assert problems[6] == {("sync.unknown_field", "/rows/6/colour")}
    assert problems[7] == {("sync.row_not_object", "/rows/7")}
    assert problems[8] == {("sync.duplicate_in_batch", "/rows/8/national_id")}
    assert all(p["detail"] for x in results for p in x["problems"])
    assert "checksum" in json.dumps(results[1])
    assert bad_checksum["national_id"] not in r.text  # never echoed
    assert (await sync_tables(container))["members"] == 1


async def test_dry_run_reports_and_writes_nothing(world, client, container):
    h = await client_auth(world, client)
    before = await sync_tables(container)
    rows = [member_row(world, i) for i in range(1, 4)] + [{**member_row(world, 9), "gender": 1}]
    r = await client.post(
        "/api/v1/sync/members:batch", headers=h, params={"dry_run": "true"}, json={"rows": rows}
    )
    body = r.json()
    assert body["dry_run"] is True and (body["created"], body["rejected"]) == (3, 1)
    assert await sync_tables(container) == before


async def test_batch_limits_and_callers(world, client, container):
    h = await client_auth(world, client)
    r = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": [{}] * 5001})
    assert r.status_code == 422 and r.json()["code"] == "sync.batch_too_large"
    r = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": []})
    assert r.status_code == 422 and r.json()["code"] == "sync.batch_empty"
    r = await client.post(
        "/api/v1/sync/members:batch", headers=world.auth(), json={"rows": [member_row(world, 1)]}
    )
    assert r.status_code == 403  # people use the member endpoints; batches are for clients
    assert (await sync_tables(container))["members"] == 0


async def test_external_id_mapped_outside_the_subtree_is_rejected(world, client):
    h = await client_auth(world, client)
    row = member_row(world, 1)
    r = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": [row]})
    member_id = r.json()["results"][0]["id"]
    # The member moves away from the client's subtree (a street client here).
    street = await client_auth(world, client, "street")
    r = await client.post(
        "/api/v1/sync/members:batch", headers=street, json={"rows": [{**row, "external_id": "S-1"}]}
    )
    assert r.json()["results"][0]["status"] == "unchanged"  # matched by number, now mapped
    await client.post(
        f"/api/v1/orgs/{world.ids['park']}/move",
        headers=world.auth(),
        json={"parent_id": world.ids["community"]},
    )
    org = (await client.get(f"/api/v1/orgs/{world.ids['park']}", headers=world.auth())).json()
    assert f"/{world.ids['street']}/" in org["path"]  # still under the street: no escape
    r = await client.post(
        "/api/v1/sync/members:batch",
        headers=street,
        json={
            "rows": [
                {**row, "external_id": "S-1", "national_id": national_id(dt.date(1985, 3, 4), 555)}
            ]
        },
    )
    assert r.json()["results"][0]["problems"][0]["code"] == "sync.national_id_mismatch"
    assert member_id


# ---------------------------------------------------------------- change feed


async def test_feed_follows_changes_in_the_subtree_in_commit_order(world, client, container):
    h = await client_auth(world, client)
    street = await client_auth(world, client, "street")
    admin = world.auth()
    m = await make_member(world, client, 11)
    await client.patch(
        f"/api/v1/members/{m['id']}",
        headers={**admin, "If-Match": '"1"'},
        json={"phone": "13700001234"},
    )
    await client.post(
        "/api/v1/orgs",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        json={
            "parent_id": world.ids["other_park"],
            "kind": "branch",
            "formation": "joint",
            "name": "远",
        },
    )
    seen, cursor = await follow_feed(
        client,
        h,
        limit=1,
        until=lambda items: any(c["action"] == "member.update" for c in items),
    )
    actions = [(c["entity"], c["action"]) for c in seen]
    assert ("member", "member.create") in actions and ("member", "member.update") in actions
    assert all(c["org_id"] != world.ids["other_park"] for c in seen)
    update = next(c for c in seen if c["action"] == "member.update")
    assert update["changes"] == {"phone": "changed"}
    assert len({c["id"] for c in seen}) == len(seen)
    # Nothing new: an empty page with a cursor to keep.
    tail = (await client.get("/api/v1/changes", headers=h, params={"since": cursor})).json()
    assert tail["items"] == [] and tail["next_cursor"] == cursor
    # Cursors are bound to their client; malformed ones are a 400.
    for bad in (cursor, "!!!", base64.urlsafe_b64encode(b'{"v":1}').decode()):
        r = await client.get("/api/v1/changes", headers=street, params={"since": bad})
        assert r.status_code == 400 and r.json()["code"] == "sync.cursor_invalid"


async def test_clients_are_rate_limited_per_client(world, client, container):
    container.settings.sync_rate_limit_per_minute = 3
    h = await client_auth(world, client)
    other = await client_auth(world, client)
    answers = [await client.get("/api/v1/changes", headers=h) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert [r.headers["ratelimit-remaining"] for r in answers] == ["2", "1", "0", "0"]
    assert answers[0].headers["ratelimit-limit"] == "3"
    refused = answers[3]
    assert refused.json()["code"] == "sync.rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert (await client.get("/api/v1/changes", headers=other)).status_code == 200
    # People (administrators) are not counted.
    for _ in range(5):
        assert (await client.get("/api/v1/sync/clients", headers=world.auth())).status_code == 200


async def test_resync_fast_path_never_hides_a_change_made_on_our_side(world, client, container):
    h = await client_auth(world, client)
    row = member_row(world, 1)
    created = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": [row]})
    member_id = created.json()["results"][0]["id"]
    again = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": [row]})
    assert again.json()["results"][0]["status"] == "unchanged"
    await client.patch(
        f"/api/v1/members/{member_id}",
        headers={**world.auth(), "If-Match": '"1"'},
        json={"name": "我们改的"},
    )
    # The same row as before: the member moved on since, so it is checked and applied again.
    r = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": [row]})
    assert r.json()["results"][0]["status"] == "updated"
    m = (await client.get(f"/api/v1/members/{member_id}", headers=world.auth())).json()
    assert m["name"] == row["name"] and m["version"] == 3
    before = await sync_tables(container)
    r = await client.post("/api/v1/sync/members:batch", headers=h, json={"rows": [row]})
    assert r.json()["results"][0]["status"] == "unchanged"
    assert await sync_tables(container) == before


async def test_feed_carries_roster_records_only(world, client, container):
    """Money and other areas' records never reach a roster client's feed: the client holds no
    scope for them. A transfer, a status change and a management do."""
    h = await client_auth(world, client)
    pool = await make_pool(world, client)
    m = await make_member(world, client, 12)
    r = await client.post(
        "/api/v1/transfers",
        headers=world.auth(),
        json={
            "member_id": m["id"],
            "letter_no": "转字12号",
            "dues_paid_until": "2026-10",
            "to_org_id": world.ids["branch2"],
        },
    )
    assert r.status_code == 201, r.text
    seen, _ = await follow_feed(
        client,
        h,
        until=lambda items: any(c["entity"] == "member_transfer" for c in items),
    )
    entities = {c["entity"] for c in seen}
    assert {"member", "member_transfer"} <= entities
    assert not any(c["entity"].startswith(("fund", "share", "dues")) for c in seen)
    assert pool["id"] and "fund_pool" not in entities
