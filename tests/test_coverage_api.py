"""Coverage rates: the pure arithmetic (no database) and the report over a seeded park."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.principal import SYSTEM
from app.domain.auth.scopes import Role
from app.domain.enterprises.model import CoverageCount, CoverageStatus
from app.domain.enterprises.report import Tally, build_report, percent
from tests.enterprise_fixtures import (
    assign,
    cover,
    credit_code,
    make_enterprise,
    make_instructor,
    row_counts,
    today,
)

ORG, WORK, NONE = CoverageStatus.ORGANISATION, CoverageStatus.WORK, CoverageStatus.NONE


# --- pure arithmetic -------------------------------------------------------------------------


def test_dehua_city_east_park_rate_is_84_5():
    """德化 city-east park: 59 branches cover 251 of 297 enterprises = 84.5%."""
    assert percent(251, 297) == "84.5"
    report = build_report(
        7, [CoverageCount("陶瓷", False, ORG, 251), CoverageCount("陶瓷", False, NONE, 46)]
    )
    assert report.overall.total == 297
    assert report.overall.organisation_rate == "84.5"
    assert report.overall.work_rate == "0.0"
    assert report.overall.coverage_rate == "84.5"


def test_rates_round_half_up_in_decimal():
    assert percent(1, 8) == "12.5"
    assert percent(1, 16) == "6.3"  # 6.25: half up, not half even
    assert percent(3, 16) == "18.8"  # 18.75
    assert percent(1, 2000) == "0.1"  # 0.05
    assert percent(1, 3) == "33.3"
    assert percent(2, 3) == "66.7"
    assert percent(0, 5) == "0.0"
    assert percent(5, 5) == "100.0"
    assert percent(994, 1000) == "99.4"  # 宣武: 99.4% of above-scale enterprises


def test_empty_group_has_no_rate():
    assert percent(0, 0) is None
    report = build_report(3, [])
    assert report.overall == Tally() and report.overall.total == 0
    assert report.overall.organisation_rate is None
    assert report.overall.work_rate is None and report.overall.coverage_rate is None
    assert report.above_scale.total == 0 and report.by_industry == []


def test_report_splits_by_size_and_industry():
    counts = [
        CoverageCount("陶瓷", True, ORG, 5),
        CoverageCount("陶瓷", False, ORG, 3),
        CoverageCount("陶瓷", False, WORK, 2),
        CoverageCount("餐饮", False, NONE, 4),
        CoverageCount("电子商务", True, WORK, 1),
        CoverageCount("电子商务", False, NONE, 1),
    ]
    report = build_report(1, counts)
    assert report.overall == Tally(organisation=8, work_only=3, uncovered=5)
    assert report.overall.coverage_rate == "68.8"  # 11 / 16 = 68.75
    assert report.above_scale == Tally(organisation=5, work_only=1, uncovered=0)
    assert report.above_scale.organisation_rate == "83.3"
    assert [(name, t.total, t.coverage_rate) for name, t in report.by_industry] == [
        ("电子商务", 2, "50.0"),
        ("陶瓷", 10, "100.0"),
        ("餐饮", 4, "0.0"),
    ]


# --- through the API -------------------------------------------------------------------------


def _tally(total, organisation, work_only, uncovered, org_rate, work_rate, coverage_rate):
    return {
        "total": total,
        "organisation": organisation,
        "work_only": work_only,
        "uncovered": uncovered,
        "organisation_rate": org_rate,
        "work_rate": work_rate,
        "coverage_rate": coverage_rate,
    }


async def _seed_park(world, client):
    """21 enterprises in the park, 2 in the community and 1 in the other district.

    陶瓷 1-10, 电子商务 11-17, 餐饮 18-21; above scale: 1, 2, 3, 11, 12.
    Organisation: 1 (standalone), 2-5 + 11-12 (joint), 13 + 18 (attached branch), 6 (general
    branch): 10. Work only: 7, 8, 14, 19, 20 (9 had an instructor whose assignment ended): 5.
    Enterprise 2 also has an instructor but counts under organisation. Uncovered: 6.
    """
    industry = {**dict.fromkeys(range(1, 11), "陶瓷"), **dict.fromkeys(range(11, 18), "电子商务")}
    industry |= dict.fromkeys(range(18, 22), "餐饮")
    above = {1, 2, 3, 11, 12}
    ent = {}
    for n in range(1, 22):
        made = await make_enterprise(world, client, n, industry=industry[n], above_scale=n in above)
        ent[n] = made["id"]
    for n in (30, 31):
        ent[n] = (await make_enterprise(world, client, n, "community", industry="餐饮"))["id"]
    foreign = await client.post(
        "/api/v1/enterprises",
        headers=world.auth(Role.DISTRICT_ADMIN, "other_district"),
        json={
            "name": "和丰",
            "credit_code": credit_code(99),
            "industry": "陶瓷",
            "org_id": world.ids["other_park"],
        },
    )
    assert foreign.status_code == 201
    await cover(world, client, ent[1], "branch1")
    for n in (2, 3, 4, 5, 11, 12):
        await cover(world, client, ent[n], "branch2")
    for n in (13, 18):
        await cover(world, client, ent[n], "branch3")
    await cover(world, client, ent[6], "general")
    inst = await make_instructor(world, client)
    start = today() - dt.timedelta(days=10)
    for n in (7, 8, 14, 19, 20, 2, 30):
        await assign(world, client, inst["id"], ent[n], start)
    gone = await assign(world, client, inst["id"], ent[9], start)
    r = await client.post(f"/api/v1/assignments/{gone['id']}/end", headers=world.auth())
    assert r.status_code == 200
    return ent


async def test_report_over_a_seeded_park(world, client):
    ids = world.ids
    ent = await _seed_park(world, client)
    r = await client.get(f"/api/v1/orgs/{ids['park']}/coverage", headers=world.auth())
    assert r.status_code == 200, r.text
    assert r.json() == {
        "org_id": ids["park"],
        **_tally(21, 10, 5, 6, "47.6", "23.8", "71.4"),
        "above_scale": _tally(5, 5, 0, 0, "100.0", "0.0", "100.0"),
        "by_industry": [
            {"industry": "电子商务", **_tally(7, 3, 1, 3, "42.9", "14.3", "57.1")},
            {"industry": "陶瓷", **_tally(10, 6, 2, 2, "60.0", "20.0", "80.0")},
            {"industry": "餐饮", **_tally(4, 1, 2, 1, "25.0", "50.0", "75.0")},
        ],
    }
    # The district sees the park and the community, not the other district.
    r = await client.get(f"/api/v1/orgs/{ids['district']}/coverage", headers=world.auth())
    body = r.json()
    assert (body["total"], body["organisation"], body["work_only"], body["uncovered"]) == (
        23,
        10,
        6,
        7,
    )
    assert (body["organisation_rate"], body["work_rate"], body["coverage_rate"]) == (
        "43.5",
        "26.1",
        "69.6",
    )
    # Listing by coverage status agrees with the report.
    listed = await client.get(
        "/api/v1/enterprises",
        headers=world.auth(),
        params={"org_id": ids["park"], "coverage_status": "work"},
    )
    assert sorted(e["id"] for e in listed.json()["items"]) == sorted(
        ent[n] for n in (7, 8, 14, 19, 20)
    )
    # Relocating an uncovered enterprise moves it between the reports.
    r = await client.post(
        f"/api/v1/enterprises/{ent[21]}/relocate",
        headers=world.auth(),
        json={"org_id": ids["community"]},
    )
    assert r.status_code == 200
    park = (await client.get(f"/api/v1/orgs/{ids['park']}/coverage", headers=world.auth())).json()
    assert (park["total"], park["uncovered"], park["organisation_rate"]) == (20, 5, "50.0")
    community = (
        await client.get(f"/api/v1/orgs/{ids['community']}/coverage", headers=world.auth())
    ).json()
    assert (community["total"], community["work_only"], community["uncovered"]) == (3, 1, 2)
    assert community["by_industry"] == [
        {"industry": "餐饮", **_tally(3, 0, 1, 2, "0.0", "33.3", "33.3")}
    ]
    # Readers with coverage:read anchored lower see their own subtree.
    for role in (Role.ANALYST, Role.BRANCH_SECRETARY, Role.PARK_ADMIN):
        r = await client.get(
            f"/api/v1/orgs/{ids['park']}/coverage", headers=world.auth(role, "park")
        )
        assert r.status_code == 200 and r.json()["total"] == 20


async def test_report_of_the_297_enterprise_park(world, client, container):
    """The headline figure end to end: 251 of 297 covered reads "84.5"."""
    ids = world.ids
    now = container.clock.now()
    async with container.uow() as uow:
        park = await uow.orgs.get(ids["park"])
        assert park is not None
        for n in range(297):
            covered = n < 251
            await uow.enterprises.add(
                fields={
                    "name": f"德化企业{n}",
                    "credit_code": credit_code(n),
                    "kind": "enterprise",
                    "industry": "陶瓷" if n % 3 else "电子商务",
                    "above_scale": n % 10 == 0,
                    "employee_count": 10,
                    "address": None,
                    "owner_name": None,
                    "org_id": park.id,
                    "coverage_status": "organisation" if covered else "none",
                    "covering_org_id": ids["branch2"] if covered else None,
                    "coverage_mode": "joint" if covered else None,
                    "covered_since": today() if covered else None,
                    "status": "active",
                },
                org_path=park.path,
                now=now,
            )
        await uow.audit.record(
            SYSTEM, action="enterprise.seed", target_type="org", target_id=park.id, org_id=park.id
        )
        await uow.commit()
    r = await client.get(f"/api/v1/orgs/{ids['park']}/coverage", headers=world.auth())
    body = r.json()
    assert (body["total"], body["organisation"], body["uncovered"]) == (297, 251, 46)
    assert body["organisation_rate"] == "84.5" and body["coverage_rate"] == "84.5"
    assert body["work_rate"] == "0.0"
    assert sum(i["total"] for i in body["by_industry"]) == 297
    # 30 above scale (every tenth), 26 of them among the first 251.
    assert body["above_scale"]["total"] == 30 and body["above_scale"]["organisation"] == 26
    assert body["above_scale"]["organisation_rate"] == "86.7"


async def test_empty_subtree_has_null_rates(world, client):
    await make_enterprise(world, client, 1)  # in the park, not under the general branch
    r = await client.get(f"/api/v1/orgs/{world.ids['general']}/coverage", headers=world.auth())
    assert r.status_code == 200
    assert r.json() == {
        "org_id": world.ids["general"],
        **_tally(0, 0, 0, 0, None, None, None),
        "above_scale": _tally(0, 0, 0, 0, None, None, None),
        "by_industry": [],
    }


async def test_report_errors(world, client, container):
    ids = world.ids
    url = f"/api/v1/orgs/{ids['park']}/coverage"
    before = await row_counts(container)
    r = await client.get(url, headers=world.auth(), params={"industry": "陶瓷"})
    assert r.status_code == 400 and r.json()["code"] == "request.unknown_parameter"
    assert r.json()["errors"][0]["parameter"] == "industry"
    for who in (
        world.auth(Role.DISTRICT_ADMIN, "other_district"),
        world.auth(Role.ANALYST, "other_park"),
        world.auth(Role.PARK_ADMIN, "community"),  # a sibling subtree
    ):
        r = await client.get(url, headers=who)
        assert r.status_code == 404 and r.json()["code"] == "org.not_found"
    r = await client.get("/api/v1/orgs/999999/coverage", headers=world.auth())
    assert r.status_code == 404
    for role in (Role.MEMBER, Role.ENTERPRISE_CONTACT, Role.SYNC_CLIENT):
        r = await client.get(url, headers=world.auth(role, "park"))
        assert r.status_code == 403 and r.json()["code"] == "auth.scope_missing"
        assert "coverage:read" in r.json()["detail"]
    r = await client.get(url)
    assert r.status_code == 401
    assert await row_counts(container) == before
