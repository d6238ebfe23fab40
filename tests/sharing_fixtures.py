"""Helpers for the order-sharing tests and the route guard's foreign samples."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from app.db.models import (
    AuditRow,
    ShareAllocationRow,
    ShareDeliveryRow,
    ShareInviteeRow,
    ShareOfferRow,
    ShareRequestRow,
)
from app.domain.auth.scopes import Role
from tests.enterprise_fixtures import make_enterprise, today


def days(n: int) -> str:
    return (today() + dt.timedelta(days=n)).isoformat()


def contact(world: Any, enterprise_id: int, org: str = "park") -> dict[str, str]:
    """An enterprise contact's headers, acting for ``enterprise_id``."""
    return world.auth(Role.ENTERPRISE_CONTACT, org, enterprise_id=enterprise_id)


def coordinator(world: Any, org: str = "park") -> dict[str, str]:
    return world.auth(Role.PARK_ADMIN, org)


def request_body(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "process": "彩绘",
        "product": "圣诞陶瓷摆件",
        "unit": "件",
        "quantity": 30000,
        "kept_quantity": 10000,
        "unit_price": "3.50",
        "quality_standard": "出口标准：无色差、无脱彩",
        "deadline": days(20),
    }
    body.update(kw)
    return body


async def post_request(
    world: Any, client: Any, headers: dict[str, str], **kw: Any
) -> dict[str, Any]:
    r = await client.post("/api/v1/share-requests", headers=headers, json=request_body(**kw))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def firms(world: Any, client: Any, n: int, start: int = 7100) -> list[dict[str, Any]]:
    return [await make_enterprise(world, client, start + i, name=f"陶瓷企业{i}") for i in range(n)]


async def allocate(
    client: Any, headers: dict[str, str], request_id: int, **body: Any
) -> dict[str, Any]:
    r = await client.post(
        f"/api/v1/share-requests/{request_id}/allocations", headers=headers, json=body
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def notice_body(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "process": "彩绘",
        "unit": "件",
        "quantity_per_week": 2000,
        "available_from": days(0),
        "available_to": days(27),
    }
    body.update(kw)
    return body


def loan_body(**kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "skill": "修坯",
        "workers_needed": 3,
        "start_on": days(2),
        "end_on": days(11),
    }
    body.update(kw)
    return body


async def sharing_tables(container: Any) -> dict[str, int]:
    """Rows per table order sharing writes, to prove failures write nothing."""
    out = {}
    async with container.db.read_sessions() as s:
        for row in (
            ShareRequestRow,
            ShareInviteeRow,
            ShareOfferRow,
            ShareAllocationRow,
            ShareDeliveryRow,
            AuditRow,
        ):
            n = (await s.execute(sa.select(sa.func.count()).select_from(row))).scalar_one()
            out[row.__tablename__] = int(n)
    return out


async def secretary(world: Any, client: Any, name: str, branch: str = "branch1") -> int:
    r = await client.post(
        "/api/v1/joint-memberships",
        headers=coordinator(world),
        json={
            "park_id": world.ids["park"],
            "kind": "secretary",
            "name": name,
            "branch_id": world.ids[branch],
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def joint_samples(world: Any, client: Any) -> dict[str, Any]:
    coord = coordinator(world)
    member = await secretary(world, client, "陈书记")
    rota = await client.post(
        "/api/v1/joint-rotas",
        headers=coord,
        json={"park_id": world.ids["park"], "start_month": "2026-01", "chair_ids": [member]},
    )
    assert rota.status_code == 201, rota.text
    meeting = await client.post(
        "/api/v1/joint-meetings",
        headers=coord,
        json={"park_id": world.ids["park"], "held_on": days(0), "title": "双联工作会议"},
    )
    assert meeting.status_code == 201, meeting.text
    case = await client.post(
        "/api/v1/cases",
        headers=coord,
        json={
            "park_id": world.ids["park"],
            "category": "recruitment",
            "title": "招工难",
            "raised_by": "branch",
            "branch_id": world.ids["branch1"],
        },
    )
    assert case.status_code == 201, case.text
    return {
        "membership_id": member,
        "rota_id": rota.json()["id"],
        "meeting_id": meeting.json()["id"],
        "case_id": case.json()["id"],
    }


# For tests/test_route_guard.py: a request, an offer and an accepted allocation in `district`.
async def sharing_samples(world: Any, client: Any) -> dict[str, Any]:
    poster, taker = await firms(world, client, 2, start=7900)
    req = await post_request(world, client, contact(world, poster["id"]))
    offer = await client.post(
        f"/api/v1/share-requests/{req['id']}/offers",
        headers=contact(world, taker["id"]),
        json={"quantity": 100, "available_on": days(5)},
    )
    assert offer.status_code == 201, offer.text
    alloc = await allocate(
        client, coordinator(world), req["id"], enterprise_id=taker["id"], quantity=100
    )
    notice = await client.post(
        "/api/v1/capacity-notices",
        headers=contact(world, taker["id"]),
        json=notice_body(),
    )
    assert notice.status_code == 201, notice.text
    loan = await client.post(
        "/api/v1/worker-loans", headers=contact(world, poster["id"]), json=loan_body()
    )
    assert loan.status_code == 201, loan.text
    lent = await client.post(
        f"/api/v1/worker-loans/{loan.json()['id']}/offers",
        headers=contact(world, taker["id"]),
        json={"workers": [{"ref": "G-001", "name": "林师傅"}]},
    )
    assert lent.status_code == 201, lent.text
    joint = await joint_samples(world, client)
    return {
        **joint,
        "loan_request_id": loan.json()["id"],
        "offer_id": lent.json()["offers"][0]["id"],
        "request_id": req["id"],
        "allocation_id": alloc["id"],
        "share_enterprise_id": taker["id"],
        "notice_id": notice.json()["id"],
    }


SHARING_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/share-requests"): lambda s: request_body(
        enterprise_id=s["share_enterprise_id"]
    ),
    ("POST", "/api/v1/share-requests/{request_id}/offers"): lambda s: {
        "enterprise_id": s["share_enterprise_id"],
        "quantity": 10,
        "available_on": days(3),
    },
    ("POST", "/api/v1/share-requests/{request_id}/allocations"): lambda s: {
        "enterprise_id": s["share_enterprise_id"],
        "quantity": 10,
    },
    ("POST", "/api/v1/allocations/{allocation_id}/deliveries"): lambda s: {
        "quantity": 10,
        "delivered_on": days(0),
        "quality": "passed",
    },
}
SHARING_BODIES |= {
    ("POST", "/api/v1/capacity-notices"): lambda s: notice_body(
        enterprise_id=s["share_enterprise_id"]
    ),
    ("PUT", "/api/v1/enterprises/{enterprise_id}/park-site"): lambda s: {"x_m": 1, "y_m": 2},
    ("POST", "/api/v1/worker-loans"): lambda s: loan_body(enterprise_id=s["share_enterprise_id"]),
    ("POST", "/api/v1/worker-loans/{loan_request_id}/offers"): lambda s: {
        "enterprise_id": s["share_enterprise_id"],
        "workers": [{"ref": "X-1", "name": "x"}],
    },
}
SHARING_BODIES |= {
    ("POST", "/api/v1/joint-memberships"): lambda s: {
        "park_id": s["org_id"],
        "kind": "association",
        "name": "x",
        "enterprise_id": s["share_enterprise_id"],
    },
    ("POST", "/api/v1/joint-memberships/{membership_id}/end"): lambda s: {},
    ("POST", "/api/v1/joint-rotas"): lambda s: {
        "park_id": s["org_id"],
        "start_month": "2026-01",
        "chair_ids": [s["membership_id"]],
    },
    ("POST", "/api/v1/joint-rotas/{rota_id}/skips"): lambda s: {"month": "2026-02", "reason": "x"},
    ("POST", "/api/v1/joint-rotas/{rota_id}/swaps"): lambda s: {
        "month": "2026-02",
        "other_month": "2026-03",
        "reason": "x",
    },
    ("POST", "/api/v1/joint-meetings"): lambda s: {
        "park_id": s["org_id"],
        "held_on": days(0),
        "title": "x",
    },
    ("POST", "/api/v1/cases"): lambda s: {
        "park_id": s["org_id"],
        "category": "permits",
        "title": "x",
        "raised_by": "enterprise",
        "enterprise_id": s["share_enterprise_id"],
    },
    ("POST", "/api/v1/cases/{case_id}/agenda"): lambda s: {"meeting_id": s["meeting_id"]},
    ("POST", "/api/v1/cases/{case_id}/assign"): lambda s: {"assignee": "x"},
    ("POST", "/api/v1/cases/{case_id}/notes"): lambda s: {"text": "x"},
    ("POST", "/api/v1/cases/{case_id}/close"): lambda s: {"outcome": "x"},
}
SHARING_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/joint-memberships"): lambda s: {"park_id": s["org_id"]},
    ("GET", "/api/v1/joint-meetings"): lambda s: {"org_id": s["org_id"]},
    ("GET", "/api/v1/cases"): lambda s: {"org_id": s["org_id"]},
    ("GET", "/api/v1/case-stats"): lambda s: {
        "org_id": s["org_id"],
        "from_date": days(-30),
        "to_date": days(0),
    },
    ("GET", "/api/v1/share-requests"): lambda s: {"org_id": s["org_id"]},
    ("GET", "/api/v1/capacity-notices"): lambda s: {"org_id": s["org_id"]},
    ("GET", "/api/v1/worker-loans"): lambda s: {"org_id": s["org_id"]},
}
SHARING_HEADERS: dict[tuple[str, str], dict[str, str]] = {}
SHARING_GRAPHQL: dict[str, tuple[str, Any]] = {
    "shareRequest": (
        "query($id: Int!) { shareRequest(id: $id) { id } }",
        lambda s: {"id": s["request_id"]},
    ),
    "shareRequests": (
        "query($id: Int) { shareRequests(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "shareOffers": (
        "query($id: Int!) { shareOffers(requestId: $id) { id } }",
        lambda s: {"id": s["request_id"]},
    ),
    "shareAllocations": (
        "query($id: Int!) { shareAllocations(requestId: $id) { id } }",
        lambda s: {"id": s["request_id"]},
    ),
    "shareAllocation": (
        "query($id: Int!) { shareAllocation(id: $id) { id } }",
        lambda s: {"id": s["allocation_id"]},
    ),
    "createShareRequest": (
        "mutation($e: Int!, $d: Date!) { createShareRequest(input: {enterpriseId: $e, "
        'process: "彩绘", unit: "件", quantity: 10, unitPrice: "1.00", qualityStandard: "x", '
        "deadline: $d}) { errors { code } } }",
        lambda s: {"e": s["share_enterprise_id"], "d": days(5)},
    ),
    "publishShareRequest": (
        "mutation($id: Int!) { publishShareRequest(id: $id) { errors { code } } }",
        lambda s: {"id": s["request_id"]},
    ),
    "cancelShareRequest": (
        "mutation($id: Int!) { cancelShareRequest(id: $id) { errors { code } } }",
        lambda s: {"id": s["request_id"]},
    ),
    "offerCapacity": (
        "mutation($id: Int!, $e: Int!, $d: Date!) { offerCapacity(requestId: $id, "
        "input: {enterpriseId: $e, quantity: 5, availableOn: $d}) { errors { code } } }",
        lambda s: {"id": s["request_id"], "e": s["share_enterprise_id"], "d": days(3)},
    ),
    "allocateShare": (
        "mutation($id: Int!, $e: Int!) { allocateShare(requestId: $id, "
        "input: {enterpriseId: $e, quantity: 5}) { errors { code } } }",
        lambda s: {"id": s["request_id"], "e": s["share_enterprise_id"]},
    ),
    "acceptAllocation": (
        "mutation($id: Int!) { acceptAllocation(id: $id) { errors { code } } }",
        lambda s: {"id": s["allocation_id"]},
    ),
    "recordDelivery": (
        "mutation($id: Int!, $d: Date!) { recordDelivery(allocationId: $id, "
        "input: {quantity: 5, deliveredOn: $d, quality: PASSED}) { errors { code } } }",
        lambda s: {"id": s["allocation_id"], "d": days(0)},
    ),
    "settleAllocation": (
        "mutation($id: Int!) { settleAllocation(id: $id) { errors { code } } }",
        lambda s: {"id": s["allocation_id"]},
    ),
    "capacityNotice": (
        "query($id: Int!) { capacityNotice(id: $id) { id } }",
        lambda s: {"id": s["notice_id"]},
    ),
    "capacityNotices": (
        "query($id: Int) { capacityNotices(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "parkSite": (
        "query($id: Int!) { parkSite(enterpriseId: $id) { xM } }",
        lambda s: {"id": s["enterprise_id"]},
    ),
    "shareSuggestions": (
        "query($id: Int!) { shareSuggestions(requestId: $id) { enterpriseId } }",
        lambda s: {"id": s["request_id"]},
    ),
    "createCapacityNotice": (
        "mutation($e: Int!, $a: Date!, $b: Date!) { createCapacityNotice(input: "
        '{enterpriseId: $e, process: "彩绘", unit: "件", quantityPerWeek: 5, '
        "availableFrom: $a, availableTo: $b}) { errors { code } } }",
        lambda s: {"e": s["share_enterprise_id"], "a": days(0), "b": days(7)},
    ),
    "withdrawCapacityNotice": (
        "mutation($id: Int!) { withdrawCapacityNotice(id: $id) { errors { code } } }",
        lambda s: {"id": s["notice_id"]},
    ),
    "workerLoan": (
        "query($id: Int!) { workerLoan(id: $id) { id } }",
        lambda s: {"id": s["loan_request_id"]},
    ),
    "workerLoans": (
        "query($id: Int) { workerLoans(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "requestWorkers": (
        "mutation($e: Int!, $a: Date!, $b: Date!) { requestWorkers(input: {enterpriseId: $e, "
        'skill: "修坯", workersNeeded: 2, startOn: $a, endOn: $b}) { errors { code } } }',
        lambda s: {"e": s["share_enterprise_id"], "a": days(1), "b": days(3)},
    ),
    "offerWorkers": (
        "mutation($id: Int!, $e: Int!) { offerWorkers(workerLoanId: $id, input: "
        '{enterpriseId: $e, workers: [{ref: "X-2", name: "x"}]}) { errors { code } } }',
        lambda s: {"id": s["loan_request_id"], "e": s["share_enterprise_id"]},
    ),
    "confirmWorkerOffer": (
        "mutation($id: Int!, $o: Int!) { confirmWorkerOffer(workerLoanId: $id, offerId: $o) "
        "{ errors { code } } }",
        lambda s: {"id": s["loan_request_id"], "o": s["offer_id"]},
    ),
    "cancelWorkerLoan": (
        "mutation($id: Int!) { cancelWorkerLoan(id: $id) { errors { code } } }",
        lambda s: {"id": s["loan_request_id"]},
    ),
    "jointMemberships": (
        "query($id: Int!) { jointMemberships(parkId: $id) { id } }",
        lambda s: {"id": s["org_id"]},
    ),
    "jointRotaSchedule": (
        "query($id: Int!) { jointRotaSchedule(rotaId: $id) { month } }",
        lambda s: {"id": s["rota_id"]},
    ),
    "jointMeeting": (
        "query($id: Int!) { jointMeeting(id: $id) { id } }",
        lambda s: {"id": s["meeting_id"]},
    ),
    "jointMeetings": (
        "query($id: Int) { jointMeetings(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "coordinationCase": (
        "query($id: Int!) { coordinationCase(id: $id) { id } }",
        lambda s: {"id": s["case_id"]},
    ),
    "coordinationCases": (
        "query($id: Int) { coordinationCases(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "caseStats": (
        "query($id: Int, $a: Date!, $b: Date!) { caseStats(orgId: $id, fromDate: $a, "
        "toDate: $b) { opened } }",
        lambda s: {"id": s["org_id"], "a": days(-30), "b": days(0)},
    ),
    "addJointMembership": (
        "mutation($p: Int!, $e: Int!) { addJointMembership(parkId: $p, kind: ASSOCIATION, "
        'name: "x", enterpriseId: $e) { errors { code } } }',
        lambda s: {"p": s["org_id"], "e": s["share_enterprise_id"]},
    ),
    "endJointMembership": (
        "mutation($id: Int!) { endJointMembership(id: $id) { errors { code } } }",
        lambda s: {"id": s["membership_id"]},
    ),
    "createJointRota": (
        'mutation($p: Int!, $m: Int!) { createJointRota(parkId: $p, startMonth: "2026-01", '
        "chairIds: [$m]) { errors { code } } }",
        lambda s: {"p": s["org_id"], "m": s["membership_id"]},
    ),
    "skipRotaMonth": (
        'mutation($id: Int!) { skipRotaMonth(rotaId: $id, month: "2026-02", reason: "x") '
        "{ errors { code } } }",
        lambda s: {"id": s["rota_id"]},
    ),
    "swapRotaMonths": (
        'mutation($id: Int!) { swapRotaMonths(rotaId: $id, month: "2026-02", '
        'otherMonth: "2026-03", reason: "x") { errors { code } } }',
        lambda s: {"id": s["rota_id"]},
    ),
    "createJointMeeting": (
        "mutation($p: Int!, $d: Date!) { createJointMeeting(parkId: $p, heldOn: $d, "
        'title: "x") { errors { code } } }',
        lambda s: {"p": s["org_id"], "d": days(0)},
    ),
    "raiseCase": (
        "mutation($p: Int!, $e: Int!) { raiseCase(input: {parkId: $p, category: PERMITS, "
        'title: "x", raisedBy: ENTERPRISE, enterpriseId: $e}) { errors { code } } }',
        lambda s: {"p": s["org_id"], "e": s["share_enterprise_id"]},
    ),
    "putCaseOnAgenda": (
        "mutation($id: Int!, $m: Int!) { putCaseOnAgenda(id: $id, meetingId: $m) "
        "{ errors { code } } }",
        lambda s: {"id": s["case_id"], "m": s["meeting_id"]},
    ),
    "assignCase": (
        'mutation($id: Int!) { assignCase(id: $id, assignee: "x") { errors { code } } }',
        lambda s: {"id": s["case_id"]},
    ),
    "addCaseNote": (
        'mutation($id: Int!) { addCaseNote(id: $id, text: "x") { errors { code } } }',
        lambda s: {"id": s["case_id"]},
    ),
    "closeCase": (
        'mutation($id: Int!) { closeCase(id: $id, outcome: "x") { errors { code } } }',
        lambda s: {"id": s["case_id"]},
    ),
    "sharingAnalytics": (
        "query($id: Int, $a: Date!, $b: Date!) { sharingAnalytics(orgId: $id, fromDate: $a, "
        "toDate: $b) { batches } }",
        lambda s: {"id": s["org_id"], "a": days(-30), "b": days(0)},
    ),
    "setParkSite": (
        "mutation($id: Int!) { setParkSite(enterpriseId: $id, xM: 1, yM: 2) { errors { code } } }",
        lambda s: {"id": s["enterprise_id"]},
    ),
}
