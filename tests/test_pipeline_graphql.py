"""GraphQL for the development pipeline: the same use cases as REST, payload errors."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.scopes import Role
from tests.member_fixtures import national_id
from tests.pipeline_fixtures import APPLICANT_BIRTH, pipeline_tables


async def gql(client, query, variables=None, headers=None):
    r = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert r.status_code == 200, r.text
    return r.json()


APPLY = """mutation($input: ApplyToJoinInput!) { applyToJoin(input: $input) {
             entry { id stage stageDate nationalId masked memberId stages { stage onDate } }
             errors { code field } } }"""
ADVANCE = """mutation($id: Int!, $s: PipelineStage!, $d: Date!, $b: String) {
               advanceStage(id: $id, stage: $s, onDate: $d, decidingBody: $b) {
                 entry { id stage memberId stages { stage onDate decidingBody } }
                 errors { code field } } }"""
EXTEND = """mutation($id: Int!, $m: Int!, $d: Date!) {
              extendProbation(memberId: $id, months: $m, onDate: $d, reason: "考察") {
                member { id status } errors { code field } } }"""
CONVERT = """mutation($id: Int!, $d: Date!) { convertToFull(memberId: $id, onDate: $d) {
               member { id status fullMemberDate } errors { code field } } }"""


def _input(world, seq, **kw):
    return {
        "name": f"申请人{seq}",
        "gender": "MALE",
        "birthDate": APPLICANT_BIRTH.isoformat(),
        "nationalId": national_id(APPLICANT_BIRTH, seq),
        "orgId": world.ids["branch2"],
        "appliedOn": "2019-03-01",
        **kw,
    }


async def test_path_rules_and_reads(world, client, container):
    h = world.auth()
    body = await gql(client, APPLY, {"input": _input(world, 1)}, h)
    entry = body["data"]["applyToJoin"]["entry"]
    assert body["data"]["applyToJoin"]["errors"] == []
    assert (entry["stage"], entry["stageDate"], entry["masked"]) == (
        "APPLICANT",
        "2019-03-01",
        False,
    )
    eid = entry["id"]

    before = await pipeline_tables(container)
    body = await gql(client, ADVANCE, {"id": eid, "s": "CANDIDATE", "d": "2020-01-01"}, h)
    assert body["data"]["advanceStage"] == {
        "entry": None,
        "errors": [{"code": "pipeline.stage_out_of_order", "field": "/stage"}],
    }
    young = _input(
        world,
        2,
        birthDate="2005-06-01",
        nationalId=national_id(dt.date(2005, 6, 1), 2),
        appliedOn="2023-05-31",
    )
    body = await gql(client, APPLY, {"input": young}, h)
    assert body["data"]["applyToJoin"]["errors"][0]["code"] == "pipeline.too_young"
    assert await pipeline_tables(container) == before

    for stage, day in (("ACTIVIST", "2019-09-01"), ("CANDIDATE", "2020-09-01")):
        body = await gql(client, ADVANCE, {"id": eid, "s": stage, "d": day}, h)
        assert body["data"]["advanceStage"]["errors"] == []
    body = await gql(
        client, ADVANCE, {"id": eid, "s": "PROBATIONARY", "d": "2021-01-10", "b": "支部大会"}, h
    )
    entry = body["data"]["advanceStage"]["entry"]
    member_id = entry["memberId"]
    assert entry["stage"] == "PROBATIONARY" and member_id is not None

    body = await gql(client, EXTEND, {"id": member_id, "m": 13, "d": "2022-01-05"}, h)
    assert body["data"]["extendProbation"]["errors"][0]["code"] == "pipeline.extension_too_long"
    body = await gql(client, EXTEND, {"id": member_id, "m": 2, "d": "2022-01-05"}, h)
    assert body["data"]["extendProbation"]["member"]["status"] == "probationary"
    body = await gql(client, CONVERT, {"id": member_id, "d": "2022-03-09"}, h)
    assert body["data"]["convertToFull"]["errors"][0]["code"] == "pipeline.probation_not_over"
    body = await gql(client, CONVERT, {"id": member_id, "d": "2022-03-10"}, h)
    assert body["data"]["convertToFull"]["member"] == {
        "id": member_id,
        "status": "full",
        "fullMemberDate": "2022-03-10",
    }

    q = """query($id: Int!, $o: Int!) {
             pipelineEntry(id: $id) { stage memberId stages { stage onDate } }
             pipelineEntries(orgId: $o, stage: FULL) { edges { node { id } } }
             pipelineFunnel(orgId: $o) { orgId stages { stage count medianDays maxDays } } }"""
    data = (await gql(client, q, {"id": eid, "o": world.ids["park"]}, h))["data"]
    assert data["pipelineEntry"]["stage"] == "FULL"
    assert [s["stage"] for s in data["pipelineEntry"]["stages"]] == [
        "APPLICANT",
        "ACTIVIST",
        "CANDIDATE",
        "PROBATIONARY",
        "FULL",
    ]
    assert [e["node"]["id"] for e in data["pipelineEntries"]["edges"]] == [eid]
    assert data["pipelineFunnel"]["stages"][-1] == {
        "stage": "FULL",
        "count": 1,
        "medianDays": None,
        "maxDays": None,
    }
    # Analysts see numbers masked; other districts see nothing.
    analyst = world.auth(Role.ANALYST, "district")
    body = await gql(
        client,
        "query($id: Int!) { pipelineEntry(id: $id) { nationalId masked } }",
        {"id": eid},
        analyst,
    )
    assert body["data"]["pipelineEntry"]["masked"] is True
    body = await gql(client, APPLY, {"input": _input(world, 3)}, analyst)
    assert body["data"]["applyToJoin"]["errors"][0]["code"] == "auth.scope_missing"
    other = world.auth(Role.DISTRICT_ADMIN, "other_district")
    body = await gql(
        client, "query($id: Int!) { pipelineEntry(id: $id) { id } }", {"id": eid}, other
    )
    assert body["errors"][0]["extensions"]["code"] == "pipeline.not_found"
