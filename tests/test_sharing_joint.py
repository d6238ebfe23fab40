"""The joint mechanism: conference memberships, the chair rota, meetings and coordination cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.enterprise_fixtures import make_enterprise, today
from tests.sharing_fixtures import contact, coordinator, days, secretary, sharing_tables


async def _rota(client: Any, world: Any, start: str, chairs: list[int]) -> dict[str, Any]:
    r = await client.post(
        "/api/v1/joint-rotas",
        headers=coordinator(world),
        json={"park_id": world.ids["park"], "start_month": start, "chair_ids": chairs},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_chair_rota_with_skip_and_swap(world, client, container):
    branches = ["branch1", "branch2", "branch3", "general", "branch1", "branch2"]
    chairs = [await secretary(world, client, f"书记{i}", b) for i, b in enumerate(branches)]
    rota = await _rota(client, world, "2026-01", chairs)
    url = f"/api/v1/joint-rotas/{rota['id']}/schedule"
    r = await client.get(url, headers=coordinator(world), params={"from_month": "2026-01"})
    plain = [s["membership_id"] for s in r.json()["months"]]
    assert plain == chairs + chairs
    coord = coordinator(world)
    r = await client.post(
        f"/api/v1/joint-rotas/{rota['id']}/skips",
        headers=coord,
        json={"month": "2026-03", "reason": "书记3外出培训"},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/v1/joint-rotas/{rota['id']}/swaps",
        headers=coord,
        json={"month": "2026-05", "other_month": "2026-06", "reason": "广交会期间互换"},
    )
    assert r.status_code == 200 and len(r.json()["changes"]) == 2
    got = (await client.get(url, headers=coord, params={"from_month": "2026-01"})).json()
    months = {s["month"]: s for s in got["months"]}
    c = chairs
    # Mar goes to the 4th (the 3rd is skipped), the rest shift; May and Jun swap.
    assert [months[f"2026-{m:02d}"]["membership_id"] for m in range(1, 9)] == [
        c[0],
        c[1],
        c[3],
        c[4],
        c[0],
        c[5],
        c[1],
        c[2],
    ]
    assert "书记3外出培训" in months["2026-03"]["note"]
    assert "广交会期间互换" in months["2026-05"]["note"]
    assert months["2026-02"]["note"] is None
    # The meeting of May is chaired by the rota's May chair.
    r = await client.post(
        "/api/v1/joint-meetings",
        headers=coord,
        json={"park_id": world.ids["park"], "held_on": "2026-05-20", "title": "五月双联工作会议"},
    )
    assert r.status_code == 201 and r.json()["chair_membership_id"] == c[0]
    # Refusals.
    before = await sharing_tables(container)
    for path, body, code in (
        ("skips", {"month": "2025-12", "reason": "x"}, "joint.month_before_rota"),
        ("skips", {"month": "2026-13", "reason": "x"}, "joint.month_invalid"),
        ("skips", {"month": "2026-03", "reason": "again"}, "joint.month_already_skipped"),
        (
            "swaps",
            {"month": "2026-05", "other_month": "2026-05", "reason": "x"},
            "joint.swap_needs_two_months",
        ),
    ):
        r = await client.post(f"/api/v1/joint-rotas/{rota['id']}/{path}", headers=coord, json=body)
        assert r.status_code == 422 and r.json()["code"] == code, r.text
    assert await sharing_tables(container) == before
    firm = await make_enterprise(world, client, 8600)
    assoc = await client.post(
        "/api/v1/joint-memberships",
        headers=coord,
        json={
            "park_id": world.ids["park"],
            "kind": "association",
            "name": "同鑫陶瓷",
            "enterprise_id": firm["id"],
        },
    )
    assert assoc.status_code == 201
    r = await client.post(
        "/api/v1/joint-rotas",
        headers=coord,
        json={
            "park_id": world.ids["park"],
            "start_month": "2026-01",
            "chair_ids": [assoc.json()["id"]],
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "joint.chair_not_secretary"
    r = await client.post(
        "/api/v1/joint-memberships",
        headers=coordinator(world, "street"),
        json={
            "park_id": world.ids["street"],
            "kind": "secretary",
            "name": "x",
            "branch_id": world.ids["branch1"],
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "joint.not_a_park"
    listed = await client.get(
        "/api/v1/joint-memberships", headers=coord, params={"park_id": world.ids["park"]}
    )
    assert len(listed.json()) == 7


async def test_cases_from_raising_to_closing_and_counts(world, client, container):
    coord = coordinator(world)
    firm = await make_enterprise(world, client, 8700, name="同鑫陶瓷有限公司")
    other_firm = await make_enterprise(world, client, 8701)
    me = contact(world, firm["id"])
    meeting = (
        await client.post(
            "/api/v1/joint-meetings",
            headers=coord,
            json={"park_id": world.ids["park"], "held_on": days(0), "title": "双联工作会议"},
        )
    ).json()
    park2 = (
        await client.post(
            "/api/v1/orgs",
            headers=world.auth(),
            json={"parent_id": world.ids["street"], "kind": "park", "name": "城西园区党委"},
        )
    ).json()
    foreign_meeting = (
        await client.post(
            "/api/v1/joint-meetings",
            headers=world.auth(),
            json={"park_id": park2["id"], "held_on": days(0), "title": "城西会议"},
        )
    ).json()

    # The firm raises a labour dispute for itself (its park by default).
    r = await client.post(
        "/api/v1/cases",
        headers={**me, "Idempotency-Key": "case-1"},
        json={"category": "labour_dispute", "title": "工资纠纷", "opened_on": days(-10)},
    )
    assert r.status_code == 201, r.text
    case = r.json()
    assert (case["park_id"], case["raised_by_enterprise_id"], case["status"]) == (
        world.ids["park"],
        firm["id"],
        "open",
    )
    # A branch's recruitment problem, recorded by staff.
    r = await client.post(
        "/api/v1/cases",
        headers=coord,
        json={
            "park_id": world.ids["park"],
            "category": "recruitment",
            "title": "招工难",
            "raised_by": "branch",
            "branch_id": world.ids["branch2"],
            "opened_on": days(-4),
        },
    )
    branch_case = r.json()
    # Agenda: only a meeting of the same park.
    before = await sharing_tables(container)
    r = await client.post(
        f"/api/v1/cases/{case['id']}/agenda",
        headers=coordinator(world, "street"),
        json={"meeting_id": foreign_meeting["id"]},
    )
    assert r.status_code == 422 and r.json()["code"] == "case.meeting_other_park"
    r = await client.post(
        f"/api/v1/cases/{case['id']}/agenda",
        headers=coord,  # the park's own coordinator cannot even see the other park's meeting
        json={"meeting_id": foreign_meeting["id"]},
    )
    assert r.status_code == 404
    assert await sharing_tables(container) == before
    r = await client.post(
        f"/api/v1/cases/{case['id']}/agenda", headers=coord, json={"meeting_id": meeting["id"]}
    )
    assert (r.json()["status"], r.json()["meeting_id"]) == ("on_agenda", meeting["id"])
    r = await client.post(
        f"/api/v1/cases/{case['id']}/assign", headers=coord, json={"assignee": "劳动保障站 王"}
    )
    assert r.json()["status"] == "assigned"
    r = await client.post(
        f"/api/v1/cases/{case['id']}/notes", headers=me, json={"text": "已约谈双方"}
    )
    assert [n["text"] for n in r.json()["notes"]] == ["已约谈双方"]
    # The firm cannot close it, nor see another firm's case.
    r = await client.post(f"/api/v1/cases/{case['id']}/close", headers=me, json={"outcome": "x"})
    assert r.status_code == 403
    assert (await client.get(f"/api/v1/cases/{branch_case['id']}", headers=me)).status_code == 404
    r = await client.post(
        "/api/v1/cases",
        headers=me,
        json={"category": "permits", "title": "x", "enterprise_id": other_firm["id"]},
    )
    assert r.status_code == 404
    r = await client.post(
        f"/api/v1/cases/{case['id']}/close",
        headers=coord,
        json={"outcome": "补发工资，达成和解", "closed_on": days(-3)},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["days_to_close"]) == ("closed", 7)
    r = await client.post(f"/api/v1/cases/{case['id']}/notes", headers=me, json={"text": "x"})
    assert r.status_code == 422 and r.json()["code"] == "case.closed"
    r = await client.post(
        f"/api/v1/cases/{branch_case['id']}/close",
        headers=coord,
        json={"outcome": "x", "closed_on": days(-9)},
    )
    assert r.status_code == 422 and r.json()["code"] == "case.closed_on_invalid"
    await client.post(
        f"/api/v1/cases/{branch_case['id']}/close", headers=coord, json={"outcome": "职校推荐"}
    )

    stats = await client.get(
        "/api/v1/case-stats",
        headers=coordinator(world, "street"),
        params={"from_date": days(-30), "to_date": days(0)},
    )
    assert stats.json() == [
        {
            "category": "labour_dispute",
            "opened": 1,
            "closed": 1,
            "median_days_to_close": 7.0,
            "mean_days_to_close": 7.0,
        },
        {
            "category": "recruitment",
            "opened": 1,
            "closed": 1,
            "median_days_to_close": 4.0,
            "mean_days_to_close": 4.0,
        },
    ]
    assert (
        await client.get(
            "/api/v1/case-stats", headers=me, params={"from_date": days(-30), "to_date": days(0)}
        )
    ).status_code == 403
    mine = await client.get("/api/v1/cases", headers=me)
    assert [c["id"] for c in mine.json()["items"]] == [case["id"]]
    # GraphQL reads the same case.
    data = (
        await client.post(
            "/graphql",
            headers=coord,
            json={
                "query": "query($id: Int!) { coordinationCase(id: $id) { status daysToClose "
                "notes { text } } }",
                "variables": {"id": case["id"]},
            },
        )
    ).json()["data"]["coordinationCase"]
    assert data == {"status": "CLOSED", "daysToClose": 7, "notes": [{"text": "已约谈双方"}]}
    assert today() - dt.timedelta(days=3) == dt.date.fromisoformat(days(-3))


async def test_rota_schedule_bounds_and_contact_cases_stay_in_their_park(world, client):
    chair = await secretary(world, client, "书记")
    rota = await _rota(client, world, "2026-01", [chair])
    url = f"/api/v1/joint-rotas/{rota['id']}/schedule"
    coord = coordinator(world)
    for params, code in (
        ({"from_month": "2026-13"}, "joint.month_invalid"),
        ({"from_month": "9999-01"}, "joint.months_out_of_range"),
        ({"months": 37}, "joint.months_out_of_range"),
    ):
        r = await client.get(url, headers=coord, params=params)
        assert r.status_code == 400 and r.json()["code"] == code, r.text
        assert r.json()["errors"][0]["parameter"] in {"from_month", "months"}
    r = await client.get(url, headers=coord, params={"from_month": "2025-11", "months": 4})
    assert [s["month"] for s in r.json()["months"]] == ["2026-01", "2026-02"]
    firm = await make_enterprise(world, client, 8900)
    r = await client.post(
        "/api/v1/cases",
        headers=contact(world, firm["id"]),
        json={"category": "services", "title": "x", "park_id": world.ids["other_park"]},
    )
    assert r.status_code == 404
    elsewhere = await make_enterprise(world, client, 8901, org="community")
    r = await client.post(
        "/api/v1/cases",
        headers=contact(world, elsewhere["id"], org="community"),
        json={"category": "services", "title": "x"},
    )
    assert r.status_code == 422 and r.json()["code"] == "joint.not_a_park"
