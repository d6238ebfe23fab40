"""The member roster over REST: registration, personal data at rest and on the wire, listing,
lookup, history, composition, self-service and the counts kept with every affiliation."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.db.models import AuditRow, MemberAffiliationRow, MemberRow
from app.domain.auth.scopes import Role
from app.domain.members.model import NATIONAL_ID_CONTEXT, PHONE_CONTEXT
from tests.account_helpers import login
from tests.enterprise_fixtures import make_enterprise, today
from tests.member_fixtures import (
    count_mismatches,
    make_member,
    member_body,
    member_tables,
    national_id,
)

BIRTH = dt.date(1990, 1, 1)


async def _org(client, world, key):
    r = await client.get(f"/api/v1/orgs/{world.ids[key]}", headers=world.auth())
    assert r.status_code == 200
    return r.json()


async def test_register_member(world, client, container):
    body = member_body(world, 1, phone="13812345678", education="bachelor", ethnicity="汉族")
    h = {**world.auth(), "Idempotency-Key": "member-create-1"}
    r = await client.post("/api/v1/members", headers=h, json=body)
    assert r.status_code == 201, r.text
    m = r.json()
    assert r.headers["location"] == f"/api/v1/members/{m['id']}"
    assert r.headers["etag"] == '"1"'
    assert r.headers["cache-control"] == "no-store"
    assert {k: m[k] for k in ("name", "gender", "status", "education", "org_id", "version")} == {
        "name": "党员1",
        "gender": "male",
        "status": "full",
        "education": "bachelor",
        "org_id": world.ids["branch1"],
        "version": 1,
    }
    assert m["national_id"] == body["national_id"] and m["phone"] == "13812345678"
    assert m["masked"] is False  # district admins hold pii:read
    assert m["org_path"] == (await _org(client, world, "branch1"))["path"]
    assert m["full_member_date"] == "2016-07-01" and m["birth_date"] == "1990-01-01"
    # The same key and body replay the first answer; nothing is written twice.
    again = await client.post("/api/v1/members", headers=h, json=body)
    assert again.status_code == 201 and again.json()["id"] == m["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert (await member_tables(container))["members"] == 1

    got = await client.get(f"/api/v1/members/{m['id']}", headers=world.auth())
    assert got.status_code == 200 and got.json() == m and got.headers["etag"] == '"1"'
    assert (await _org(client, world, "branch1"))["member_count"] == 1

    hist = (await client.get(f"/api/v1/members/{m['id']}/history", headers=world.auth())).json()
    assert [e["kind"] for e in hist["events"]] == ["joined"]
    assert hist["events"][0]["on_date"] == "2015-07-01"
    assert [(a["org_id"], a["from_date"], a["to_date"]) for a in hist["affiliations"]] == [
        (world.ids["branch1"], "2015-07-01", None)
    ]

    async with container.db.read_sessions() as s:
        audit = (
            (await s.execute(sa.select(AuditRow).where(AuditRow.target_type == "member")))
            .scalars()
            .all()
        )
    assert [(a.action, a.target_id, a.org_id) for a in audit] == [
        ("member.create", str(m["id"]), world.ids["branch1"])
    ]
    assert audit[0].changes["name"] == "党员1"
    text = repr(audit[0].changes)
    assert body["national_id"] not in text and "13812345678" not in text


async def test_numbers_are_encrypted_at_rest(world, client, container):
    body = member_body(world, 2, phone="13912345678")
    m = await make_member(world, client, 2, phone="13912345678")
    async with container.db.read_sessions() as s:
        row = (await s.execute(sa.select(MemberRow).where(MemberRow.id == m["id"]))).scalar_one()
    plain = body["national_id"]
    for column in (row.national_id_enc, row.national_id_hash, row.phone_enc, row.phone_hash):
        assert plain not in column and plain[-8:] not in column and "13912345678" not in column
    cipher = container.cipher
    assert cipher.decrypt(row.national_id_enc, context=NATIONAL_ID_CONTEXT) == plain
    assert cipher.decrypt(row.phone_enc, context=PHONE_CONTEXT) == "13912345678"
    assert row.national_id_hash == cipher.lookup_hash(plain, context=NATIONAL_ID_CONTEXT)
    assert row.phone_hash == cipher.lookup_hash("13912345678", context=PHONE_CONTEXT)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("35052519900101001", "length"),
        ("3505251990010100AX", "characters"),
        ("350525199002300010", "date"),
        ("__wrong_check__", "checksum"),
        (national_id(dt.date(1990, 1, 2), 3), "birth_date"),
    ],
)
async def test_invalid_national_id_is_422_and_writes_nothing(
    world, client, container, number, reason
):
    if number == "__wrong_check__":
        good = national_id(BIRTH, 3)
        number = good[:17] + ("0" if good[17] != "0" else "1")
    before = await member_tables(container)
    r = await client.post(
        "/api/v1/members", headers=world.auth(), json=member_body(world, 3, national_id=number)
    )
    assert r.status_code == 422, r.text
    p = r.json()
    assert p["code"] == "member.national_id_invalid"
    assert p["errors"][0]["pointer"] == "/national_id"
    assert reason in p["detail"] and number not in r.text
    assert await member_tables(container) == before


async def test_other_invalid_input(world, client, container):
    before = await member_tables(container)
    h = world.auth()
    cases = [
        (member_body(world, 4, phone="12345"), 422, "member.phone_invalid", "/phone"),
        (member_body(world, 4, org="park"), 422, "member.org_cannot_hold_members", "/org_id"),
        (member_body(world, 4, org="other_branch"), 404, "org.not_found", "/org_id"),
        (
            member_body(world, 4, status="probationary", full_member_date="2016-07-01"),
            422,
            "member.full_member_date_required",
            "/full_member_date",
        ),
        (member_body(world, 4, join_date="1989-01-01"), 422, "member.dates_out_of_order", None),
        (
            member_body(world, 4, employer_enterprise_id=999999),
            404,
            "member.employer_not_found",
            "/employer_enterprise_id",
        ),
    ]
    for body, status, code, pointer in cases:
        r = await client.post("/api/v1/members", headers=h, json=body)
        assert r.status_code == status, (code, r.text)
        assert r.json()["code"] == code
        if pointer:
            assert r.json()["errors"][0]["pointer"] == pointer
    assert await member_tables(container) == before
    # A general branch holds members too.
    m = await make_member(world, client, 4, org="general")
    assert m["org_id"] == world.ids["general"]


async def test_duplicate_national_id_is_409(world, client, container):
    first = await make_member(world, client, 5)
    before = await member_tables(container)
    r = await client.post(
        "/api/v1/members", headers=world.auth(), json=member_body(world, 5, name="另一人")
    )
    assert r.status_code == 409
    assert r.json()["code"] == "member.national_id_taken"
    assert r.json()["existing_id"] == first["id"]
    assert r.json()["errors"][0]["pointer"] == "/national_id"
    # Lower-case x is the same number.
    x_seq = next(s for s in range(1000) if national_id(BIRTH, s).endswith("X"))
    await make_member(world, client, x_seq)
    body = member_body(world, x_seq, national_id=national_id(BIRTH, x_seq).lower())
    r = await client.post("/api/v1/members", headers=world.auth(), json=body)
    assert r.status_code == 409
    # Someone who cannot see the existing member still gets the conflict, but no pointer to it.
    other = world.auth(Role.DISTRICT_ADMIN, "other_district")
    r = await client.post(
        "/api/v1/members", headers=other, json=member_body(world, 5, org="other_branch")
    )
    assert r.status_code == 409 and "existing_id" not in r.json()
    after = await member_tables(container)
    assert after["members"] == before["members"] + 1  # only the X one
    assert (await _org(client, world, "branch1"))["member_count"] == 2


async def test_masking_per_role(world, client):
    m = await make_member(world, client, 6, phone="13812345678")
    number = national_id(BIRTH, 6)
    masked = f"{number[:4]}**********{number[-4:]}"
    secretary = world.auth(Role.BRANCH_SECRETARY, "branch1")
    r = await client.get(f"/api/v1/members/{m['id']}", headers=secretary)
    assert r.json()["national_id"] == number and r.json()["masked"] is False
    analyst = world.auth(Role.ANALYST, "district")
    r = await client.get(f"/api/v1/members/{m['id']}", headers=analyst)
    assert r.status_code == 200
    assert r.json()["national_id"] == masked and r.json()["phone"] == "138****5678"
    assert r.json()["masked"] is True
    r = await client.get("/api/v1/members", headers=analyst)
    assert [x["national_id"] for x in r.json()["items"]] == [masked]
    assert number not in r.text and "13812345678" not in r.text
    # Without pii:read an admin sees masked numbers too (the scope decides, not the role).
    no_pii = world.auth(scopes={"members:read"})
    r = await client.get(f"/api/v1/members/{m['id']}", headers=no_pii)
    assert r.json()["national_id"] == masked
    # Lookup by number needs pii:read; roles without members:read see nothing.
    r = await client.post("/api/v1/members:lookup", headers=analyst, json={"national_id": number})
    assert r.status_code == 403 and r.json()["code"] == "auth.scope_missing"
    for role in (Role.ENTERPRISE_CONTACT, Role.MEMBER):
        r = await client.get(f"/api/v1/members/{m['id']}", headers=world.auth(role, "branch1"))
        assert r.status_code == 403


async def test_scopes_for_writes(world, client, container):
    m = await make_member(world, client, 7)
    before = await member_tables(container)
    analyst = world.auth(Role.ANALYST, "district")
    r = await client.post("/api/v1/members", headers=analyst, json=member_body(world, 8))
    assert r.status_code == 403 and r.json()["code"] == "auth.scope_missing"
    r = await client.patch(
        f"/api/v1/members/{m['id']}", headers={**analyst, "If-Match": '"1"'}, json={"name": "x"}
    )
    assert r.status_code == 403
    assert await member_tables(container) == before
    secretary = world.auth(Role.BRANCH_SECRETARY, "branch1")
    r = await client.post("/api/v1/members", headers=secretary, json=member_body(world, 8))
    assert r.status_code == 201
    r = await client.post(
        "/api/v1/members", headers=secretary, json=member_body(world, 9, org="branch2")
    )
    assert r.status_code == 404  # branch2 lies outside the secretary's branch


async def test_update_member(world, client, container):
    m = await make_member(world, client, 10, phone="13812345678")
    url = f"/api/v1/members/{m['id']}"
    r = await client.patch(url, headers=world.auth(), json={"name": "新名"})
    assert r.status_code == 428
    r = await client.patch(url, headers={**world.auth(), "If-Match": '"7"'}, json={"name": "x"})
    assert r.status_code == 412
    r = await client.patch(
        url, headers={**world.auth(), "If-Match": '"1"'}, json={"national_id": "x"}
    )
    assert r.status_code == 422
    ent = await make_enterprise(world, client, 70001)
    r = await client.patch(
        url,
        headers={**world.auth(), "If-Match": '"1"'},
        json={
            "name": "新名",
            "education": "master",
            "phone": "13987654321",
            "employer_enterprise_id": ent["id"],
        },
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["name"], out["education"], out["phone"], out["version"]) == (
        "新名",
        "master",
        "13987654321",
        2,
    )
    assert out["employer_enterprise_id"] == ent["id"] and r.headers["etag"] == '"2"'
    # Nothing to change: same version, no audit.
    r = await client.patch(url, headers={**world.auth(), "If-Match": '"2"'}, json={"name": "新名"})
    assert r.json()["version"] == 2
    async with container.db.read_sessions() as s:
        rows = (
            (
                await s.execute(
                    sa.select(AuditRow)
                    .where(AuditRow.action == "member.update")
                    .order_by(AuditRow.id)
                )
            )
            .scalars()
            .all()
        )
    assert len(rows) == 1
    assert rows[0].changes["name"] == {"from": "党员10", "to": "新名"}
    assert rows[0].changes["phone"] == "changed"
    assert "13987654321" not in repr(rows[0].changes) and "13812345678" not in repr(rows[0].changes)


async def test_list_filters_and_pagination(world, client):
    t = today()

    def born(years: int) -> dt.date:
        return t.replace(year=t.year - years, day=min(t.day, 28))

    ent = await make_enterprise(world, client, 70002)
    a = await make_member(
        world,
        client,
        11,
        birth_date=born(30),
        join_date=born(5).isoformat(),
        full_member_date=born(4).isoformat(),
        education="bachelor",
    )
    b = await make_member(
        world,
        client,
        12,
        org="branch2",
        birth_date=born(40),
        join_date=born(10).isoformat(),
        full_member_date=born(9).isoformat(),
        employer_enterprise_id=ent["id"],
    )
    c = await make_member(
        world,
        client,
        13,
        org="branch3",
        birth_date=born(50),
        join_date=born(1).isoformat(),
        status="probationary",
        education="bachelor",
    )
    d = await make_member(
        world,
        client,
        14,
        org="general",
        birth_date=born(70),
        join_date=born(40).isoformat(),
        full_member_date=born(39).isoformat(),
    )
    h = world.auth()

    async def ids(**params):
        r = await client.get("/api/v1/members", headers=h, params=params)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]

    assert await ids() == [a["id"], b["id"], c["id"], d["id"]]
    assert await ids(org_id=world.ids["general"]) == [c["id"], d["id"]]
    assert await ids(org_id=world.ids["general"], direct=True) == [d["id"]]
    assert await ids(status="probationary") == [c["id"]]
    assert await ids(education="bachelor") == [a["id"], c["id"]]
    assert await ids(employer_enterprise_id=ent["id"]) == [b["id"]]
    assert await ids(age_band="18-35") == [a["id"]]
    assert await ids(age_band="36-45") == [b["id"]]
    assert await ids(age_band="46-60") == [c["id"]]
    assert await ids(age_band="61+") == [d["id"]]
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        r = (await client.get("/api/v1/members", headers=h, params=params)).json()
        seen += [x["id"] for x in r["items"]]
        cursor = r["next_cursor"]
        if not cursor:
            break
    assert seen == [a["id"], b["id"], c["id"], d["id"]]
    r = await client.get("/api/v1/members", headers=h, params={"age": "18-35"})
    assert r.status_code == 400 and r.json()["code"] == "request.unknown_parameter"
    r = await client.get("/api/v1/members", headers=h, params={"cursor": "nonsense"})
    assert r.status_code == 400
    r = await client.get("/api/v1/members", headers=h, params={"age_band": "20-30"})
    assert r.status_code == 400
    other = world.auth(Role.DISTRICT_ADMIN, "other_district")
    assert (await client.get("/api/v1/members", headers=other)).json()["items"] == []
    r = await client.get("/api/v1/members", headers=other, params={"org_id": world.ids["park"]})
    assert r.status_code == 404 and r.json()["errors"][0]["parameter"] == "org_id"

    stats = await client.get(f"/api/v1/orgs/{world.ids['park']}/member-stats", headers=h)
    assert stats.status_code == 200
    assert stats.json() == {
        "org_id": world.ids["park"],
        "total": 4,
        "by_status": {"full": 3, "probationary": 1},
        "by_age_band": {"18-35": 1, "36-45": 1, "46-60": 1, "61+": 1},
        "by_education": {"bachelor": 2, "unknown": 2},
        "by_standing": {"active": 4, "lost_contact": 0, "suspended": 0},
    }
    analyst = world.auth(Role.ANALYST, "district")
    r = await client.get(f"/api/v1/orgs/{world.ids['general']}/member-stats", headers=analyst)
    assert r.status_code == 200 and r.json()["total"] == 2

    # The maintained counts agree with the rows: park subtree, its general branch, one branch.
    totals = await client.get(f"/api/v1/orgs/{world.ids['park']}/member-totals", headers=analyst)
    assert totals.status_code == 200
    assert totals.json() == {
        "org_id": world.ids["park"],
        "total": 4,
        "direct": 0,
        "holding_orgs": 4,
        "empty_holding_orgs": 4 - len({a["org_id"], b["org_id"], c["org_id"], d["org_id"]}),
    }
    general = await client.get(
        f"/api/v1/orgs/{world.ids['general']}/member-totals", headers=analyst
    )
    assert general.json()["total"] == 2
    r = await client.get(f"/api/v1/orgs/{world.ids['park']}/member-totals", headers=other)
    assert r.status_code == 404
    r = await client.get(f"/api/v1/orgs/{world.ids['park']}/member-stats", headers=other)
    assert r.status_code == 404
    r = await client.get(
        f"/api/v1/orgs/{world.ids['park']}/member-stats",
        headers=world.auth(Role.ENTERPRISE_CONTACT, "park"),
    )
    assert r.status_code == 403


async def test_lookup_by_national_id(world, client):
    m = await make_member(world, client, 15)
    number = national_id(BIRTH, 15)
    h = world.auth()
    r = await client.post("/api/v1/members:lookup", headers=h, json={"national_id": number})
    assert r.status_code == 200 and r.json()["id"] == m["id"]
    assert r.json()["national_id"] == number
    r = await client.post(
        "/api/v1/members:lookup", headers=h, json={"national_id": national_id(BIRTH, 16)}
    )
    assert r.status_code == 404 and r.json()["code"] == "member.not_found"
    r = await client.post("/api/v1/members:lookup", headers=h, json={"national_id": "123"})
    assert r.status_code == 422 and r.json()["code"] == "member.national_id_invalid"
    other = world.auth(Role.DISTRICT_ADMIN, "other_district")
    r = await client.post("/api/v1/members:lookup", headers=other, json={"national_id": number})
    assert r.status_code == 404
    secretary2 = world.auth(Role.BRANCH_SECRETARY, "branch2")
    r = await client.post(
        "/api/v1/members:lookup", headers=secretary2, json={"national_id": number}
    )
    assert r.status_code == 404


async def test_foreign_subtree_is_404(world, client):
    m = await make_member(world, client, 17)
    other = world.auth(Role.DISTRICT_ADMIN, "other_district")
    for url in (f"/api/v1/members/{m['id']}", f"/api/v1/members/{m['id']}/history"):
        r = await client.get(url, headers=other)
        assert r.status_code == 404 and r.json()["code"] == "member.not_found"
    r = await client.get("/api/v1/members/999999", headers=world.auth())
    assert r.status_code == 404


async def test_counts_follow_creates_and_moves(world, client, container):
    await make_member(world, client, 18, org="branch3")
    await make_member(world, client, 19, org="branch3")
    m = await make_member(world, client, 20, org="general")
    await make_member(world, client, 21, org="branch1")
    assert await count_mismatches(container) == []
    assert (await _org(client, world, "branch3"))["member_count"] == 2
    # Move the general branch (with branch3) from the park to the street.
    r = await client.post(
        f"/api/v1/orgs/{world.ids['general']}/move",
        headers=world.auth(),
        json={"parent_id": world.ids["street"]},
    )
    assert r.status_code == 200, r.text
    assert await count_mismatches(container) == []
    moved = (await client.get(f"/api/v1/members/{m['id']}", headers=world.auth())).json()
    assert moved["org_path"] == r.json()["path"]
    park = world.auth(Role.PARK_ADMIN, "park")
    assert (await client.get(f"/api/v1/members/{m['id']}", headers=park)).status_code == 404
    r = await client.get(f"/api/v1/orgs/{world.ids['park']}/member-stats", headers=world.auth())
    assert r.json()["total"] == 1
    assert (await _org(client, world, "branch3"))["member_count"] == 2


async def test_dissolving_an_org_with_members_is_refused(world, client):
    await make_member(world, client, 22, org="branch2")
    r = await client.post(f"/api/v1/orgs/{world.ids['branch2']}/dissolve", headers=world.auth())
    assert r.status_code == 422 and r.json()["code"] == "org.has_members"
    assert (await _org(client, world, "branch2"))["status"] == "active"


async def test_one_current_affiliation_is_a_database_rule(world, client, container):
    m = await make_member(world, client, 23)
    async with container.db.write_sessions() as s:
        s.add(
            MemberAffiliationRow(
                member_id=m["id"],
                org_id=world.ids["branch2"],
                from_date=dt.date(2020, 1, 1),
                to_date=None,
                reason="second",
            )
        )
        with pytest.raises(IntegrityError):
            await s.commit()
    async with container.db.write_sessions() as s:
        # A closed (historical) affiliation is fine.
        s.add(
            MemberAffiliationRow(
                member_id=m["id"],
                org_id=world.ids["branch2"],
                from_date=dt.date(2010, 1, 1),
                to_date=dt.date(2015, 6, 30),
                reason="earlier",
            )
        )
        await s.commit()


async def test_member_self_service(world, client):
    m = await make_member(world, client, 24, phone="13812345678")
    other = await make_member(world, client, 25)
    account = {
        "username": "member.24",
        "display_name": "党员24",
        "role": "member",
        "org_id": world.ids["branch1"],
        "member_id": m["id"],
        "password": "a long enough password",
    }
    r = await client.post("/api/v1/users", headers=world.auth(), json=account)
    assert r.status_code == 201, r.text
    assert r.json()["member_id"] == m["id"]
    token = (await login(client, "member.24", "a long enough password")).json()["access_token"]
    mine = {"Authorization": f"Bearer {token}"}
    r = await client.get("/api/v1/members/me", headers=mine)
    assert r.status_code == 200 and r.json()["id"] == m["id"]
    assert r.json()["national_id"] == national_id(BIRTH, 24) and r.json()["masked"] is False
    assert r.json()["phone"] == "13812345678"
    # Nobody else's record, and no roster.
    r = await client.get(f"/api/v1/members/{other['id']}", headers=mine)
    assert r.status_code == 403
    assert (await client.get("/api/v1/members", headers=mine)).status_code == 403
    # A member token without a linked record; staff tokens have no "me".
    r = await client.get("/api/v1/members/me", headers=world.auth(Role.MEMBER, "branch1"))
    assert r.status_code == 404 and r.json()["code"] == "member.not_linked"
    assert (await client.get("/api/v1/members/me", headers=world.auth())).status_code == 403
    # Links only for member accounts, and only to members in the creator's subtree.
    bad = {**account, "username": "x.1", "role": "park_admin"}
    r = await client.post("/api/v1/users", headers=world.auth(), json=bad)
    assert r.status_code == 422 and r.json()["code"] == "user.member_not_applicable"
    foreign = world.auth(Role.DISTRICT_ADMIN, "other_district")
    bad = {**account, "username": "x.2", "org_id": world.ids["other_branch"]}
    r = await client.post("/api/v1/users", headers=foreign, json=bad)
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/member_id"
