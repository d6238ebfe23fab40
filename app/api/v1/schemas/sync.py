"""Request and response shapes of roster sync."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.api.v1.schemas.common import Id, Input
from app.domain.messages import render
from app.domain.sync.model import (
    BATCH_MAX,
    GRACE_MAX_HOURS,
    BatchResult,
    Change,
    FeedPage,
    RowResult,
    SyncClient,
)
from app.domain.sync.rows import Field as RowField
from app.domain.sync.webhook_model import Delivery, Subscription


class ClientCreate(Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    org_id: Id = Field(description="The district or street org the system belongs to.")
    name: str = Field(min_length=1, max_length=200, examples=["德化县党员信息系统"])
    scopes: list[Annotated[str, Field(max_length=50)]] = Field(
        min_length=1,
        max_length=20,
        description="Scopes the client may ask for: a subset of the sync_client role's.",
        examples=[["members:read", "members:write", "sync:write", "changes:read"]],
    )


class SecretRotate(Input):
    model_config = ConfigDict(extra="forbid")

    grace_hours: int = Field(
        default=24,
        ge=0,
        le=GRACE_MAX_HOURS,
        description="How long the current secret keeps working (0 ends it now).",
    )


class ClientOut(BaseModel):
    id: int
    client_id: str = Field(description="Public identifier for the token endpoint.")
    org_id: int
    name: str
    scopes: list[str]
    active: bool
    previous_secret_valid_until: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, c: SyncClient) -> ClientOut:
        return cls(
            id=c.id,
            client_id=c.client_key,
            org_id=c.org_id,
            name=c.name,
            scopes=sorted(c.scopes),
            active=c.active,
            previous_secret_valid_until=c.previous_secret_expires_at,
            version=c.version,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class ClientWithSecretOut(ClientOut):
    client_secret: str = Field(description="Shown once: store it now; only a hash is kept.")


class ClientsOut(BaseModel):
    items: list[ClientOut]


def _row_schema(fields: tuple[RowField, ...]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for f in fields:
        if f.kind == "date":
            prop: dict[str, Any] = {"type": "string", "format": "date"}
        elif f.kind == "int":
            prop = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
        elif isinstance(f.kind, type) and issubclass(f.kind, StrEnum):
            prop = {"type": "string", "enum": [m.value for m in f.kind]}
        else:
            prop = {"type": "string"}
            if f.max_length:
                prop["maxLength"] = f.max_length
        props[f.name] = prop if f.required else {"anyOf": [prop, {"type": "null"}]}
    return {
        "type": "object",
        "properties": props,
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def batch_body(fields: tuple[RowField, ...], example: dict[str, Any]) -> type[BaseModel]:
    class BatchIn(Input):
        model_config = ConfigDict(extra="forbid")

        rows: list[Any] = Field(
            description=f"1 to {BATCH_MAX} rows. Each row is checked on its own: a bad row is "
            "reported with its problems and never stops the others.",
            json_schema_extra={
                "items": _row_schema(fields),
                "minItems": 1,
                "maxItems": BATCH_MAX,
                "examples": [[example]],
            },
        )

    return BatchIn


class RowProblemOut(BaseModel):
    code: str
    pointer: str = Field(description="JSON Pointer into the request: /rows/17/national_id.")
    detail: str


class RowResultOut(BaseModel):
    index: int
    external_id: str | None
    status: str = Field(description="created, updated, unchanged or rejected.")
    id: int | None = Field(description="Our id (null when rejected or created in a dry run).")
    problems: list[RowProblemOut]

    @classmethod
    def of(cls, r: RowResult, lang: str) -> RowResultOut:
        return cls(
            index=r.index,
            external_id=r.external_id,
            status=r.status.value,
            id=r.id,
            problems=[
                RowProblemOut(
                    code=p.code, pointer=p.pointer, detail=render(p.code, p.params, lang)[1]
                )
                for p in r.problems
            ],
        )


class BatchOut(BaseModel):
    entity: str
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    rejected: int
    results: list[RowResultOut]

    @classmethod
    def of(cls, b: BatchResult, lang: str) -> BatchOut:
        from app.domain.sync.model import RowStatus

        return cls(
            entity=b.entity.value,
            dry_run=b.dry_run,
            created=b.count(RowStatus.CREATED),
            updated=b.count(RowStatus.UPDATED),
            unchanged=b.count(RowStatus.UNCHANGED),
            rejected=b.count(RowStatus.REJECTED),
            results=[RowResultOut.of(r, lang) for r in b.results],
        )


class ChangeOut(BaseModel):
    id: int
    at: dt.datetime
    entity: str = Field(description="member, org, enterprise, … (the audited target type).")
    entity_id: str
    action: str = Field(examples=["member.update"])
    org_id: int
    actor: str = Field(description="Who made the change (your own changes say client:<id>).")
    changes: dict[str, Any] = Field(
        description='What changed; id and phone numbers appear only as "changed".'
    )

    @classmethod
    def of(cls, c: Change) -> ChangeOut:
        return cls(
            id=c.id,
            at=c.at,
            entity=c.entity,
            entity_id=c.entity_id,
            action=c.action,
            org_id=c.org_id,
            actor=c.actor,
            changes=c.changes,
        )


class FeedOut(BaseModel):
    items: list[ChangeOut]
    next_cursor: str = Field(description="Pass as `since` next time (also when items is empty).")
    has_more: bool

    @classmethod
    def of(cls, page: FeedPage) -> FeedOut:
        return cls(
            items=[ChangeOut.of(c) for c in page.items],
            next_cursor=page.next_cursor,
            has_more=page.has_more,
        )


class WebhookCreate(Input):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(
        min_length=1, max_length=2000, examples=["https://dh.example.gov.cn/lianjian/hooks"]
    )
    event_types: list[Annotated[str, Field(max_length=64)]] = Field(
        min_length=1,
        max_length=50,
        description="Actions such as member.update, a family such as member.*, or *.",
        examples=[["member.*", "org.update"]],
    )


class WebhookOut(BaseModel):
    id: int
    url: str
    event_types: list[str]
    created_at: dt.datetime

    @classmethod
    def of(cls, s: Subscription) -> WebhookOut:
        return cls(id=s.id, url=s.url, event_types=list(s.event_types), created_at=s.created_at)


class WebhookWithSecretOut(WebhookOut):
    secret: str = Field(description="`whsec_…`, shown once: verify signatures with it.")


class WebhooksOut(BaseModel):
    items: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: int
    change_id: int
    event_type: str
    status: str = Field(description="pending, delivered or failed (after 8 attempts).")
    attempts: int
    next_attempt_at: dt.datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: dt.datetime | None
    created_at: dt.datetime

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        return cls(
            id=d.id,
            change_id=d.outbox_id,
            event_type=d.event_type,
            status=d.status,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_status_code=d.last_status_code,
            last_error=d.last_error,
            delivered_at=d.delivered_at,
            created_at=d.created_at,
        )
