"""Request and response shapes of the organisation endpoints."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from app.api.v1.schemas.common import Id, Strict
from app.domain.orgs.model import Formation, Leader, LeaderRole, Org, OrgKind, OrgStatus

CODE_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"


class OrgOut(BaseModel):
    id: int
    parent_id: int | None
    path: str = Field(description="Materialised path of ids from the root, e.g. `/1/5/23/`.")
    depth: int
    kind: OrgKind
    formation: Formation | None
    name: str
    short_name: str | None
    code: str | None
    address: str | None
    established_on: dt.date | None
    status: OrgStatus
    dissolved_on: dt.date | None
    contact_leader: str | None
    child_count: int = Field(description="Active direct children.")
    member_count: int = Field(description="Members whose organisational relationship is here.")
    version: int = Field(description="Also sent as the ETag; send it back in If-Match.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, o: Org) -> OrgOut:
        return cls(
            id=o.id,
            parent_id=o.parent_id,
            path=o.path,
            depth=o.depth,
            kind=o.kind,
            formation=o.formation,
            name=o.name,
            short_name=o.short_name,
            code=o.code,
            address=o.address,
            established_on=o.established_on,
            status=o.status,
            dissolved_on=o.dissolved_on,
            contact_leader=o.contact_leader,
            child_count=o.child_count,
            member_count=o.member_count,
            version=o.version,
            created_at=o.created_at,
            updated_at=o.updated_at,
        )


class OrgCreate(Strict):
    parent_id: Id = Field(description="The organisation to create it under.", examples=[5])
    kind: OrgKind = Field(examples=["branch"])
    formation: Formation | None = Field(
        default=None, description="Required for branches (组建方式).", examples=["joint"]
    )
    name: str = Field(min_length=1, max_length=200, examples=["城东工业园区陶瓷企业联合党支部"])
    short_name: str | None = Field(default=None, max_length=100)
    code: str | None = Field(
        default=None, pattern=CODE_PATTERN, description="Optional code, unique across the service."
    )
    address: str | None = Field(default=None, max_length=300)
    established_on: dt.date | None = None
    contact_leader: str | None = Field(
        default=None, max_length=200, description="Contact leader from above (联系点)."
    )


class OrgUpdate(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    short_name: str | None = Field(default=None, max_length=100)
    code: str | None = Field(default=None, pattern=CODE_PATTERN)
    address: str | None = Field(default=None, max_length=300)
    established_on: dt.date | None = None
    contact_leader: str | None = Field(default=None, max_length=200)
    formation: Formation | None = None


class OrgMove(Strict):
    parent_id: Id = Field(description="The new parent.", examples=[42])


class OrgDissolve(Strict):
    dissolved_on: dt.date | None = Field(default=None, description="Defaults to today.")


class LeaderOut(BaseModel):
    id: int
    org_id: int
    name: str
    role: LeaderRole
    term_start: dt.date
    term_end: dt.date = Field(description="Start plus the term length of the org's kind.")
    ended_on: dt.date | None
    member_id: int | None

    @classmethod
    def of(cls, leader: Leader) -> LeaderOut:
        return cls(
            id=leader.id,
            org_id=leader.org_id,
            name=leader.name,
            role=leader.role,
            term_start=leader.term_start,
            term_end=leader.term_end,
            ended_on=leader.ended_on,
            member_id=leader.member_id,
        )


class LeaderCreate(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["王建国"])
    role: LeaderRole = Field(examples=["secretary"])
    term_start: dt.date = Field(examples=["2024-03-01"])
    member_id: Id | None = None


class LeaderEnd(Strict):
    ended_on: dt.date | None = Field(default=None, description="Defaults to today.")


class ExpiringTermOut(BaseModel):
    leader: LeaderOut
    org_id: int
    org_name: str
    org_kind: OrgKind
    overdue: bool
