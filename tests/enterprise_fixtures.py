"""Helpers for the enterprise and coverage tests: valid credit codes and API shortcuts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from app.db.models import AuditRow, EnterpriseRow, InstructorAssignmentRow, InstructorRow
from app.domain.clock import Clock
from app.domain.enterprises.model import uscc_check_char


def today() -> dt.date:
    """The service's business date (Asia/Shanghai), which may differ from the host's."""
    return Clock().today()


def credit_code(n: int, prefix: str = "9135052") -> str:
    """A valid unified social credit code, distinct for each ``n``."""
    body = f"{prefix}{n:0{17 - len(prefix)}d}"
    return body + uscc_check_char(body)


def with_bad_check(code: str) -> str:
    """The same code with a wrong check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    wrong = alphabet[(alphabet.index(code[17]) + 1) % len(alphabet)]
    return code[:17] + wrong


async def make_enterprise(world: Any, client: Any, n: int, org: str = "park", **kw: Any) -> Any:
    body = {
        "name": kw.pop("name", f"企业{n}"),
        "credit_code": credit_code(n),
        "industry": kw.pop("industry", "陶瓷"),
        "org_id": world.ids[org],
        **kw,
    }
    r = await client.post("/api/v1/enterprises", headers=world.auth(), json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def make_instructor(
    world: Any, client: Any, name: str = "陈指导员", org: str = "park"
) -> Any:
    r = await client.post(
        "/api/v1/instructors",
        headers=world.auth(),
        json={"name": name, "level": "park", "full_time": True, "org_id": world.ids[org]},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def assign(
    world: Any, client: Any, instructor_id: int, enterprise_id: int, start_on: dt.date
) -> Any:
    r = await client.post(
        f"/api/v1/instructors/{instructor_id}/assignments",
        headers=world.auth(),
        json={"enterprise_id": enterprise_id, "start_on": start_on.isoformat()},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def cover(world: Any, client: Any, enterprise_id: int, branch: str) -> Any:
    r = await client.put(
        f"/api/v1/enterprises/{enterprise_id}/coverage",
        headers=world.auth(),
        json={"covering_org_id": world.ids[branch]},
    )
    assert r.status_code == 200, r.text
    return r.json()


async def row_counts(container: Any) -> dict[str, int]:
    """Rows per table the enterprise area writes, to prove failures write nothing."""
    out = {}
    async with container.db.read_sessions() as s:
        for row in (EnterpriseRow, InstructorRow, InstructorAssignmentRow, AuditRow):
            n = (await s.execute(sa.select(sa.func.count()).select_from(row))).scalar_one()
            out[row.__tablename__] = int(n)
    return out


async def audit_rows(container: Any, target_type: str, target_id: int) -> list[AuditRow]:
    async with container.db.read_sessions() as s:
        stmt = (
            sa.select(AuditRow)
            .where(AuditRow.target_type == target_type, AuditRow.target_id == str(target_id))
            .order_by(AuditRow.id)
        )
        return list((await s.execute(stmt)).scalars())


async def enterprise_row(container: Any, enterprise_id: int) -> EnterpriseRow:
    async with container.db.read_sessions() as s:
        row = await s.get(EnterpriseRow, enterprise_id)
        assert row is not None
        return row


# For tests/test_route_guard.py: objects to aim the enterprise routes at from another district.
async def enterprise_samples(world: Any, client: Any) -> dict[str, Any]:
    ent = await make_enterprise(world, client, 90001)
    inst = await make_instructor(world, client)
    asg = await assign(world, client, inst["id"], ent["id"], today())
    return {"enterprise_id": ent["id"], "instructor_id": inst["id"], "assignment_id": asg["id"]}


ENTERPRISE_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/enterprises"): lambda s: {
        "name": "x",
        "credit_code": credit_code(90002),
        "industry": "陶瓷",
        "org_id": s["org_id"],
    },
    ("PATCH", "/api/v1/enterprises/{enterprise_id}"): lambda s: {"name": "y"},
    ("POST", "/api/v1/enterprises/{enterprise_id}/relocate"): lambda s: {"org_id": s["org_id"]},
    ("PUT", "/api/v1/enterprises/{enterprise_id}/coverage"): lambda s: {
        "covering_org_id": s["org_id"]
    },
    ("POST", "/api/v1/instructors"): lambda s: {
        "name": "x",
        "level": "park",
        "org_id": s["org_id"],
    },
    ("POST", "/api/v1/instructors/{instructor_id}/assignments"): lambda s: {
        "enterprise_id": s["enterprise_id"],
        "start_on": "2024-01-01",
    },
}
ENTERPRISE_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/enterprises"): lambda s: {"org_id": s["org_id"]},
    ("GET", "/api/v1/instructors"): lambda s: {"org_id": s["org_id"]},
}
ENTERPRISE_HEADERS: dict[tuple[str, str], dict[str, str]] = {
    ("PATCH", "/api/v1/enterprises/{enterprise_id}"): {"If-Match": '"1"'},
}
