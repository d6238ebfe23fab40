"""Helpers for the pipeline tests and the route guard's foreign samples."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from app.db.models import (
    AuditRow,
    MemberAffiliationRow,
    MemberEventRow,
    MemberRow,
    PipelineEntryRow,
    PipelineStageRow,
)
from tests.member_fixtures import national_id

APPLICANT_BIRTH = dt.date(1995, 3, 15)


def apply_body(world: Any, seq: int, org: str = "branch1", **kw: Any) -> dict[str, Any]:
    birth = kw.pop("birth_date", APPLICANT_BIRTH)
    return {
        "name": kw.pop("name", f"申请人{seq}"),
        "gender": kw.pop("gender", "female"),
        "birth_date": birth.isoformat(),
        "national_id": kw.pop("national_id", national_id(birth, seq)),
        "org_id": world.ids[org],
        "applied_on": kw.pop("applied_on", "2019-03-01"),
        **kw,
    }


async def apply(world: Any, client: Any, seq: int, org: str = "branch1", **kw: Any) -> Any:
    r = await client.post(
        "/api/v1/pipeline", headers=world.auth(), json=apply_body(world, seq, org, **kw)
    )
    assert r.status_code == 201, r.text
    return r.json()


async def advance(
    world: Any, client: Any, entry_id: int, stage: str, on_date: str, **kw: Any
) -> Any:
    r = await client.post(
        f"/api/v1/pipeline/{entry_id}/stage",
        headers=world.auth(),
        json={"stage": stage, "on_date": on_date, **kw},
    )
    assert r.status_code == 200, r.text
    return r.json()


async def pipeline_tables(container: Any) -> dict[str, int]:
    """Rows per table the pipeline writes, to prove failures write nothing."""
    out = {}
    async with container.db.read_sessions() as s:
        for row in (
            PipelineEntryRow,
            PipelineStageRow,
            MemberRow,
            MemberAffiliationRow,
            MemberEventRow,
            AuditRow,
        ):
            n = (await s.execute(sa.select(sa.func.count()).select_from(row))).scalar_one()
            out[row.__tablename__] = int(n)
    return out


# For tests/test_route_guard.py.
async def pipeline_samples(world: Any, client: Any) -> dict[str, Any]:
    e = await apply(world, client, 951)
    return {"entry_id": e["id"]}


PIPELINE_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/pipeline"): lambda s: {
        "name": "x",
        "gender": "male",
        "birth_date": "1995-03-15",
        "national_id": national_id(APPLICANT_BIRTH, 952),
        "org_id": s["org_id"],
        "applied_on": "2019-03-01",
    },
    ("POST", "/api/v1/pipeline/{entry_id}/stage"): lambda s: {
        "stage": "activist",
        "on_date": "2019-09-01",
    },
    ("POST", "/api/v1/members/{member_id}/probation/extend"): lambda s: {
        "months": 6,
        "on_date": "2020-01-01",
    },
    ("POST", "/api/v1/members/{member_id}/probation/convert"): lambda s: {"on_date": "2020-01-01"},
}
PIPELINE_QUERIES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/pipeline"): lambda s: {"org_id": s["org_id"]},
}
PIPELINE_GRAPHQL: dict[str, tuple[str, Any]] = {
    "pipelineEntry": (
        "query($id: Int!) { pipelineEntry(id: $id) { id } }",
        lambda s: {"id": s["entry_id"]},
    ),
    "pipelineEntries": (
        "query($id: Int) { pipelineEntries(orgId: $id) { edges { cursor } } }",
        lambda s: {"id": s["org_id"]},
    ),
    "pipelineFunnel": (
        "query($id: Int!) { pipelineFunnel(orgId: $id) { orgId } }",
        lambda s: {"id": s["org_id"]},
    ),
    "applyToJoin": (
        'mutation($id: Int!, $n: String!) { applyToJoin(input: {name: "x", gender: MALE, '
        'birthDate: "1995-03-15", nationalId: $n, orgId: $id, appliedOn: "2019-03-01"}) '
        "{ errors { code } } }",
        lambda s: {"id": s["org_id"], "n": national_id(APPLICANT_BIRTH, 953)},
    ),
    "advanceStage": (
        'mutation($id: Int!) { advanceStage(id: $id, stage: ACTIVIST, onDate: "2019-09-01") '
        "{ errors { code } } }",
        lambda s: {"id": s["entry_id"]},
    ),
    "extendProbation": (
        'mutation($id: Int!) { extendProbation(memberId: $id, months: 6, onDate: "2020-01-01") '
        "{ errors { code } } }",
        lambda s: {"id": s["member_id"]},
    ),
    "convertToFull": (
        'mutation($id: Int!) { convertToFull(memberId: $id, onDate: "2020-01-01") '
        "{ errors { code } } }",
        lambda s: {"id": s["member_id"]},
    ),
}
