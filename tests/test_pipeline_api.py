"""The development pipeline over REST: the full path applicant → full member, each rule as a
422 that writes nothing, conflicts, scopes, foreign subtrees and the funnel."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.db.models import AuditRow, MemberRow, PipelineEntryRow
from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import today
from tests.member_fixtures import count_mismatches, make_member, national_id
from tests.pipeline_fixtures import (
    APPLICANT_BIRTH,
    advance,
    apply,
    apply_body,
    pipeline_tables,
)


async def _count(client, world, key):
    r = await client.get(f"/api/v1/orgs/{world.ids[key]}", headers=world.auth())
    return r.json()["member_count"]


async def _to_probationary(world, client, seq, admitted="2021-01-10"):
    e = await apply(world, client, seq)
    await advance(world, client, e["id"], "activist", "2019-09-01")
    await advance(world, client, e["id"], "candidate", "2020-09-01")
    return await advance(world, client, e["id"], "probationary", admitted, deciding_body="支部大会")


async def test_full_path_from_applicant_to_full_member(world, client, container):
    h = {**world.auth(), "Idempotency-Key": "apply-1"}
    body = apply_body(world, 1, notes="递交入党申请书")
    r = await client.post("/api/v1/pipeline", headers=h, json=body)
    assert r.status_code == 201, r.text
    e = r.json()
    assert r.headers["location"] == f"/api/v1/pipeline/{e['id']}"
    assert r.headers["cache-control"] == "no-store"
    assert {k: e[k] for k in ("name", "stage", "stage_date", "member_id", "org_id")} == {
        "name": "申请人1",
        "stage": "applicant",
        "stage_date": "2019-03-01",
        "member_id": None,
        "org_id": world.ids["branch1"],
    }
    assert e["national_id"] == body["national_id"] and e["masked"] is False
    assert [(s["stage"], s["on_date"], s["notes"]) for s in e["stages"]] == [
        ("applicant", "2019-03-01", "递交入党申请书")
    ]
    again = await client.post("/api/v1/pipeline", headers=h, json=body)
    assert again.status_code == 201 and again.json()["id"] == e["id"]
    assert (await pipeline_tables(container))["pipeline_entries"] == 1
    # Stored encrypted, found by its keyed hash.
    async with container.db.read_sessions() as s:
        row = (await s.execute(sa.select(PipelineEntryRow))).scalar_one()
    assert body["national_id"] not in row.national_id_enc
    assert row.national_id_hash == container.cipher.lookup_hash(
        body["national_id"], context="member.national_id"
    )

    await advance(world, client, e["id"], "activist", "2019-09-01", deciding_body="支部委员会")
    await advance(world, client, e["id"], "candidate", "2020-09-01", deciding_body="支部委员会")
    assert await _count(client, world, "branch1") == 0
    out = await advance(
        world, client, e["id"], "probationary", "2021-01-10", deciding_body="支部党员大会"
    )
    assert out["stage"] == "probationary" and out["member_id"] is not None
    member_id = out["member_id"]
    # Admission made the member in the same transaction: affiliation, count, encryption.
    m = (await client.get(f"/api/v1/members/{member_id}", headers=world.auth())).json()
    assert {k: m[k] for k in ("status", "join_date", "full_member_date", "org_id", "name")} == {
        "status": "probationary",
        "join_date": "2021-01-10",
        "full_member_date": None,
        "org_id": world.ids["branch1"],
        "name": "申请人1",
    }
    assert m["national_id"] == body["national_id"]
    assert await _count(client, world, "branch1") == 1
    assert await count_mismatches(container) == []

    r = await client.post(
        f"/api/v1/members/{member_id}/probation/convert",
        headers=world.auth(),
        json={"on_date": "2022-01-10", "deciding_body": "支部党员大会"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["full_member_date"]) == ("full", "2022-01-10")
    hist = (await client.get(f"/api/v1/members/{member_id}/history", headers=world.auth())).json()
    assert [(x["kind"], x["on_date"]) for x in hist["events"]] == [
        ("joined", "2021-01-10"),
        ("became_full", "2022-01-10"),
    ]
    got = (await client.get(f"/api/v1/pipeline/{e['id']}", headers=world.auth())).json()
    assert got["stage"] == "full" and got["stage_date"] == "2022-01-10"
    assert [(s["stage"], s["on_date"], s["deciding_body"]) for s in got["stages"]] == [
        ("applicant", "2019-03-01", None),
        ("activist", "2019-09-01", "支部委员会"),
        ("candidate", "2020-09-01", "支部委员会"),
        ("probationary", "2021-01-10", "支部党员大会"),
        ("full", "2022-01-10", "支部党员大会"),
    ]
    assert await _count(client, world, "branch1") == 1
    async with container.db.read_sessions() as s:
        actions = (
            (
                await s.execute(
                    sa.select(AuditRow.action)
                    .where(AuditRow.action.not_like("org.%"))
                    .order_by(AuditRow.id)
                )
            )
            .scalars()
            .all()
        )
        member = (await s.execute(sa.select(MemberRow))).scalar_one()
    assert list(actions) == [
        "pipeline.apply",
        "pipeline.advance",
        "pipeline.advance",
        "member.create",
        "pipeline.advance",
        "member.convert",
    ]
    assert member.status == "full" and member.full_member_date == dt.date(2022, 1, 10)
    # A finished entry frees the number for nothing else: the person is a member now.
    r = await client.post("/api/v1/pipeline", headers=world.auth(), json=apply_body(world, 1))
    assert r.status_code == 409 and r.json()["code"] == "pipeline.already_member"
    assert r.json()["existing_id"] == member_id


async def test_full_through_advance_and_listing(world, client, container):
    e = await _to_probationary(world, client, 2)
    out = await advance(world, client, e["id"], "full", "2022-01-10")
    assert out["stage"] == "full"
    m = (await client.get(f"/api/v1/members/{out['member_id']}", headers=world.auth())).json()
    assert m["status"] == "full"
    other = await apply(world, client, 3, org="branch3")
    r = await client.get(
        "/api/v1/pipeline", headers=world.auth(), params={"org_id": world.ids["park"], "limit": 1}
    )
    page = r.json()
    assert [x["id"] for x in page["items"]] == [e["id"]] and page["next_cursor"]
    r = await client.get(
        "/api/v1/pipeline",
        headers=world.auth(),
        params={"org_id": world.ids["park"], "limit": 1, "cursor": page["next_cursor"]},
    )
    assert [x["id"] for x in r.json()["items"]] == [other["id"]]
    assert r.json()["next_cursor"] is None
    r = await client.get("/api/v1/pipeline", headers=world.auth(), params={"stage": "applicant"})
    assert [x["id"] for x in r.json()["items"]] == [other["id"]]
    r = await client.get(
        "/api/v1/pipeline", headers=world.auth(), params={"org_id": world.ids["general"]}
    )
    assert [x["id"] for x in r.json()["items"]] == [other["id"]]


async def _refused(client, container, url, body, code, pointer):
    before = await pipeline_tables(container)
    r = await client.post(url, headers=client.h, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == code
    assert r.json()["errors"][0]["pointer"] == pointer
    assert await pipeline_tables(container) == before


async def test_each_rule_is_a_422_that_writes_nothing(world, client, container):
    client.h = world.auth()
    young = dt.date(2005, 6, 1)
    await _refused(
        client,
        container,
        "/api/v1/pipeline",
        apply_body(world, 10, birth_date=young, applied_on="2023-05-31"),
        "pipeline.too_young",
        "/birth_date",
    )
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    await _refused(
        client,
        container,
        "/api/v1/pipeline",
        apply_body(world, 10, applied_on=tomorrow),
        "pipeline.date_in_future",
        "/applied_on",
    )
    await _refused(
        client,
        container,
        "/api/v1/pipeline",
        apply_body(world, 10, national_id=national_id(APPLICANT_BIRTH, 10)[:-1] + "0"),
        "member.national_id_invalid",
        "/national_id",
    )
    await _refused(
        client,
        container,
        "/api/v1/pipeline",
        apply_body(world, 10, org="park"),
        "member.org_cannot_hold_members",
        "/org_id",
    )
    e = await apply(world, client, 11)
    url = f"/api/v1/pipeline/{e['id']}/stage"
    await _refused(
        client,
        container,
        url,
        {"stage": "candidate", "on_date": "2020-01-01"},
        "pipeline.stage_out_of_order",
        "/stage",
    )
    await _refused(
        client,
        container,
        url,
        {"stage": "activist", "on_date": "2019-02-28"},
        "pipeline.date_out_of_order",
        "/on_date",
    )
    await _refused(
        client,
        container,
        url,
        {"stage": "activist", "on_date": tomorrow},
        "pipeline.date_in_future",
        "/on_date",
    )
    await advance(world, client, e["id"], "activist", "2019-09-01")
    await _refused(
        client,
        container,
        url,
        {"stage": "candidate", "on_date": "2020-08-31"},
        "pipeline.activist_too_short",
        "/on_date",
    )
    await advance(world, client, e["id"], "candidate", "2020-09-01")
    member_id = (await advance(world, client, e["id"], "probationary", "2021-01-10"))["member_id"]
    await _refused(
        client,
        container,
        url,
        {"stage": "probationary", "on_date": "2021-02-01"},
        "pipeline.stage_out_of_order",
        "/stage",
    )
    convert = f"/api/v1/members/{member_id}/probation/convert"
    extend = f"/api/v1/members/{member_id}/probation/extend"
    await _refused(
        client,
        container,
        convert,
        {"on_date": "2022-01-09"},
        "pipeline.probation_not_over",
        "/on_date",
    )
    for months in (13, 0):
        await _refused(
            client,
            container,
            extend,
            {"months": months, "on_date": "2022-01-05"},
            "pipeline.extension_too_long",
            "/months",
        )
    r = await client.post(
        extend, headers=client.h, json={"months": 6, "on_date": "2022-01-05", "reason": "考察"}
    )
    assert r.status_code == 200 and r.json()["status"] == "probationary"
    await _refused(
        client,
        container,
        extend,
        {"months": 3, "on_date": "2022-01-06"},
        "pipeline.already_extended",
        "/months",
    )
    # Conversion now waits for the extended end.
    await _refused(
        client,
        container,
        convert,
        {"on_date": "2022-07-09"},
        "pipeline.probation_not_over",
        "/on_date",
    )
    r = await client.post(convert, headers=client.h, json={"on_date": "2022-07-10"})
    assert r.status_code == 200 and r.json()["full_member_date"] == "2022-07-10"
    hist = (await client.get(f"/api/v1/members/{member_id}/history", headers=client.h)).json()
    assert [(x["kind"], x["details"].get("months")) for x in hist["events"]] == [
        ("joined", None),
        ("probation_extended", 6),
        ("became_full", None),
    ]
    # A full member has no probation to extend or convert.
    before = await pipeline_tables(container)
    r = await client.post(extend, headers=client.h, json={"months": 3, "on_date": "2022-08-01"})
    assert r.status_code == 422 and r.json()["code"] == "pipeline.not_probationary"
    r = await client.post(convert, headers=client.h, json={"on_date": "2022-08-01"})
    assert r.status_code == 422 and r.json()["code"] == "pipeline.not_probationary"
    assert await pipeline_tables(container) == before


async def test_conflicts(world, client, container):
    first = await apply(world, client, 20)
    before = await pipeline_tables(container)
    r = await client.post(
        "/api/v1/pipeline", headers=world.auth(), json=apply_body(world, 20, name="同一人")
    )
    assert r.status_code == 409 and r.json()["code"] == "pipeline.entry_taken"
    assert r.json()["existing_id"] == first["id"]
    assert r.json()["errors"][0]["pointer"] == "/national_id"
    other = world.auth(Role.DISTRICT_ADMIN, "other_district")
    r = await client.post(
        "/api/v1/pipeline", headers=other, json=apply_body(world, 20, org="other_branch")
    )
    assert r.status_code == 409 and "existing_id" not in r.json()
    m = await make_member(world, client, 21, birth_date=APPLICANT_BIRTH)
    r = await client.post("/api/v1/pipeline", headers=world.auth(), json=apply_body(world, 21))
    assert r.status_code == 409 and r.json()["code"] == "pipeline.already_member"
    assert r.json()["existing_id"] == m["id"]
    after = await pipeline_tables(container)
    assert after["pipeline_entries"] == before["pipeline_entries"]


async def test_foreign_subtree_is_404_and_scopes_are_403(world, client, container):
    e = await _to_probationary(world, client, 30)
    other = world.auth(Role.DISTRICT_ADMIN, "other_district")
    before = await pipeline_tables(container)
    for method, url, body in [
        ("GET", f"/api/v1/pipeline/{e['id']}", None),
        ("POST", f"/api/v1/pipeline/{e['id']}/stage", {"stage": "full", "on_date": "2022-02-01"}),
        (
            "POST",
            f"/api/v1/members/{e['member_id']}/probation/convert",
            {"on_date": "2022-02-01"},
        ),
        (
            "POST",
            f"/api/v1/members/{e['member_id']}/probation/extend",
            {"months": 3, "on_date": "2022-01-05"},
        ),
        ("GET", f"/api/v1/orgs/{world.ids['park']}/pipeline-funnel", None),
    ]:
        r = await client.request(method, url, headers=other, json=body)
        assert r.status_code == 404, (url, r.text)
    r = await client.post(
        "/api/v1/pipeline", headers=other, json=apply_body(world, 31, org="branch1")
    )
    assert r.status_code == 404 and r.json()["errors"][0]["pointer"] == "/org_id"
    r = await client.get("/api/v1/pipeline", headers=other)
    assert r.json()["items"] == []
    analyst = world.auth(Role.ANALYST, "district")
    r = await client.post("/api/v1/pipeline", headers=analyst, json=apply_body(world, 32))
    assert r.status_code == 403 and r.json()["code"] == "auth.scope_missing"
    r = await client.post(
        f"/api/v1/pipeline/{e['id']}/stage",
        headers=analyst,
        json={"stage": "full", "on_date": "2022-02-01"},
    )
    assert r.status_code == 403
    r = await client.post(
        f"/api/v1/members/{e['member_id']}/probation/convert",
        headers=analyst,
        json={"on_date": "2022-02-01"},
    )
    assert r.status_code == 403
    # Analysts read (masked), and the funnel; roles without members:read do not.
    r = await client.get(f"/api/v1/pipeline/{e['id']}", headers=analyst)
    assert r.status_code == 200 and r.json()["masked"] is True
    assert r.json()["national_id"] != national_id(APPLICANT_BIRTH, 30)
    r = await client.get(f"/api/v1/orgs/{world.ids['park']}/pipeline-funnel", headers=analyst)
    assert r.status_code == 200
    no_read = world.auth(scopes={"orgs:read"})
    for url in (f"/api/v1/pipeline/{e['id']}", "/api/v1/pipeline"):
        assert (await client.get(url, headers=no_read)).status_code == 403
    assert await pipeline_tables(container) == before


async def test_funnel_numbers(world, client, container):
    t = today()

    def ago(days):
        return (t - dt.timedelta(days=days)).isoformat()

    await apply(world, client, 40, applied_on=ago(10))
    await apply(world, client, 41, org="branch3", applied_on=ago(20))
    await apply(world, client, 42, org="branch2", applied_on=ago(25))
    a = await apply(world, client, 43, applied_on=ago(400))
    await advance(world, client, a["id"], "activist", ago(30))
    b = await apply(world, client, 44, applied_on=ago(800))
    await advance(world, client, b["id"], "activist", ago(700))
    await advance(world, client, b["id"], "candidate", ago(300))
    await advance(world, client, b["id"], "probationary", ago(5))
    done = await _to_probationary(world, client, 45)
    await advance(world, client, done["id"], "full", "2022-01-10")
    r = await client.post(
        "/api/v1/pipeline",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        json=apply_body(world, 46, org="other_branch", applied_on=ago(99)),
    )
    assert r.status_code == 201

    r = await client.get(f"/api/v1/orgs/{world.ids['park']}/pipeline-funnel", headers=world.auth())
    assert r.status_code == 200
    assert r.json() == {
        "org_id": world.ids["park"],
        "stages": [
            {"stage": "applicant", "count": 3, "median_days": 20.0, "max_days": 25},
            {"stage": "activist", "count": 1, "median_days": 30.0, "max_days": 30},
            {"stage": "candidate", "count": 0, "median_days": None, "max_days": None},
            {"stage": "probationary", "count": 1, "median_days": 5.0, "max_days": 5},
            {"stage": "full", "count": 1, "median_days": None, "max_days": None},
        ],
    }
    r = await client.get(
        f"/api/v1/orgs/{world.ids['general']}/pipeline-funnel", headers=world.auth()
    )
    stages = {s["stage"]: s for s in r.json()["stages"]}
    assert stages["applicant"] == {
        "stage": "applicant",
        "count": 1,
        "median_days": 20.0,
        "max_days": 20,
    }
    assert sum(s["count"] for s in r.json()["stages"]) == 1


async def test_decisions_replay_under_the_same_idempotency_key(world, client, container):
    """A retried decision (say, after a timeout) replays its first answer and admits once;
    without the key the retry is refused as out of order."""
    e = await apply(world, client, 41)
    await advance(world, client, e["id"], "activist", "2019-09-01")
    await advance(world, client, e["id"], "candidate", "2020-09-01")
    url = f"/api/v1/pipeline/{e['id']}/stage"
    body = {"stage": "probationary", "on_date": "2021-01-10", "deciding_body": "支部大会"}
    h = {**world.auth(), "Idempotency-Key": "admit-41"}
    first = await client.post(url, headers=h, json=body)
    assert first.status_code == 200, first.text
    before = await pipeline_tables(container)
    again = await client.post(url, headers=h, json=body)
    assert again.status_code == 200 and again.json() == first.json()
    assert await pipeline_tables(container) == before
    assert before["members"] == 1
    other = await client.post(url, headers=h, json={**body, "on_date": "2021-01-11"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency.key_reused"
    plain = await client.post(url, headers=world.auth(), json=body)
    assert plain.status_code == 422 and plain.json()["code"] == "pipeline.stage_out_of_order"

    member_id = first.json()["member_id"]
    convert = f"/api/v1/members/{member_id}/probation/convert"
    hc = {**world.auth(), "Idempotency-Key": "convert-41"}
    done = await client.post(convert, headers=hc, json={"on_date": "2022-01-10"})
    assert done.status_code == 200, done.text
    replay = await client.post(convert, headers=hc, json={"on_date": "2022-01-10"})
    assert replay.status_code == 200 and replay.json() == done.json()
    assert await pipeline_tables(container) == {
        **before,
        "member_events": before["member_events"] + 1,
        "pipeline_stages": before["pipeline_stages"] + 1,
        "audit_log": before["audit_log"] + 1,
    }
