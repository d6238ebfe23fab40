"""Roster sync endpoints: machine clients (administrators), bulk upserts and the change feed
(machine clients). Thin handlers over app.domain.sync."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import AppContainer, CurrentPrincipal, Paging, ReadUow, WriteUow, make_page
from app.api.problems import language
from app.api.ratelimit import RateLimitedRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.sync import (
    BatchOut,
    ClientCreate,
    ClientOut,
    ClientsOut,
    ClientWithSecretOut,
    DeliveryOut,
    FeedOut,
    SecretRotate,
    WebhookCreate,
    WebhookOut,
    WebhooksOut,
    WebhookWithSecretOut,
    batch_body,
)
from app.domain.pagination import decode_cursor, encode_cursor
from app.domain.sync import batch as batch_cases
from app.domain.sync import batch_tree as tree_cases
from app.domain.sync import clients as client_cases
from app.domain.sync import feed as feed_cases
from app.domain.sync import webhooks as webhook_cases
from app.domain.sync.model import IssuedClient

router = APIRouter(prefix="/api/v1", tags=["sync"], route_class=RateLimitedRoute)

_NO_STORE = {"Cache-Control": "no-store"}

MemberBatchIn = batch_body(
    batch_cases.MEMBER_FIELDS,
    {
        "external_id": "DH-000123",
        "name": "林晓燕",
        "gender": "female",
        "birth_date": "1990-01-01",
        "national_id": "350525199001010012",
        "join_date": "2015-07-01",
        "status": "full",
        "full_member_date": "2016-07-01",
        "org_external_id": "DH-BRANCH-7",
    },
)

OrgBatchIn = batch_body(
    tree_cases.ORG_FIELDS,
    {
        "external_id": "DH-BRANCH-7",
        "name": "城东陶瓷联合党支部",
        "kind": "branch",
        "formation": "joint",
        "parent_external_id": "DH-PARK-1",
    },
)
EnterpriseBatchIn = batch_body(
    tree_cases.ENTERPRISE_FIELDS,
    {
        "external_id": "DH-ENT-42",
        "name": "德化同鑫陶瓷有限公司",
        "credit_code": "91350526MA2XYZ0001",
        "kind": "enterprise",
        "industry": "ceramics",
        "above_scale": True,
        "employee_count": 120,
        "org_external_id": "DH-PARK-1",
    },
)


def _issued(issued: IssuedClient, status: int) -> JSONResponse:
    out = ClientWithSecretOut(
        **ClientOut.of(issued.client).model_dump(), client_secret=issued.secret
    )
    headers = {**_NO_STORE, "Location": f"/api/v1/sync/clients/{issued.client.id}"}
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


@router.post(
    "/sync/clients",
    status_code=201,
    response_model=ClientWithSecretOut,
    responses=problems(),
    summary="Register a machine client",
)
async def register_client(
    body: ClientCreate, who: CurrentPrincipal, uow: WriteUow, c: AppContainer
) -> Response:
    """Register a district or street system as a machine client with the scopes it may ask
    for. The answer carries `client_secret` once; only a keyed hash is stored. Needs
    `sync:admin` (district administrators)."""
    issued = await client_cases.register_client(
        uow, who, org_id=body.org_id, name=body.name, scopes=body.scopes, cipher=c.cipher
    )
    return _issued(issued, 201)


@router.get(
    "/sync/clients",
    response_model=ClientsOut,
    responses=problems(),
    summary="List machine clients",
)
async def list_clients(who: CurrentPrincipal, uow: ReadUow) -> ClientsOut:
    """The machine clients registered in your subtree. Needs `sync:admin`."""
    items = await client_cases.list_clients(uow, who)
    return ClientsOut(items=[ClientOut.of(x) for x in items])


@router.get(
    "/sync/clients/{client_id}",
    response_model=ClientOut,
    responses=problems(),
    summary="Get a machine client",
)
async def get_client(client_id: Id, who: CurrentPrincipal, uow: ReadUow) -> ClientOut:
    """One machine client (never its secret). Needs `sync:admin`."""
    return ClientOut.of(await client_cases.get_client(uow, who, client_id=client_id))


@router.post(
    "/sync/clients/{client_id}/secret",
    response_model=ClientWithSecretOut,
    responses=problems(),
    summary="Rotate a machine client's secret",
)
async def rotate_secret(
    client_id: Id, body: SecretRotate, who: CurrentPrincipal, uow: WriteUow, c: AppContainer
) -> Response:
    """A new secret, shown once; the current one keeps working for `grace_hours` (default 24,
    0 ends it at once) so the district system can switch without downtime."""
    issued = await client_cases.rotate_secret(
        uow, who, client_id=client_id, grace_hours=body.grace_hours, cipher=c.cipher
    )
    return _issued(issued, 200)


@router.post(
    "/sync/clients/{client_id}/deactivate",
    response_model=ClientOut,
    responses=problems(),
    summary="Suspend a machine client",
)
async def deactivate_client(client_id: Id, who: CurrentPrincipal, uow: WriteUow) -> ClientOut:
    """The client gets no new tokens and its sync calls are refused at once (tokens already
    issued still open nothing: every sync call checks the client is active)."""
    return ClientOut.of(
        await client_cases.set_client_active(uow, who, client_id=client_id, active=False)
    )


@router.post(
    "/sync/clients/{client_id}/activate",
    response_model=ClientOut,
    responses=problems(),
    summary="Resume a machine client",
)
async def activate_client(client_id: Id, who: CurrentPrincipal, uow: WriteUow) -> ClientOut:
    """Undo a suspension."""
    return ClientOut.of(
        await client_cases.set_client_active(uow, who, client_id=client_id, active=True)
    )


@router.post(
    "/sync/members:batch",
    response_model=BatchOut,
    responses=problems(409),
    summary="Create or update members by your external ids",
)
async def batch_members(
    body: MemberBatchIn,  # type: ignore[valid-type]
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    c: AppContainer,
    dry_run: Annotated[bool, Query(description="Report what would happen; write nothing.")] = False,
) -> Response:
    """Upsert up to 5,000 members keyed by your `external_id`: a row matches the member
    mapped to that id, else the member with the same id number (then the mapping is made), else
    a new member is registered. Each row answers `created`, `updated`, `unchanged` (nothing
    written: no audit entry, no change in the feed) or `rejected` with problems pointing into
    the request (`/rows/17/national_id`). A member's org is `org_id` (ours) or
    `org_external_id` (an org you mapped). Transfers, status and dates change through their
    own endpoints; a row that differs there is rejected (`sync.field_not_synced`). For sync
    clients (`sync:write` and `members:write`)."""
    result = await batch_cases.upsert_members(
        uow,
        who,
        rows=body.rows,  # type: ignore[attr-defined]
        dry_run=dry_run,
        cipher=c.cipher,
    )
    out = BatchOut.of(result, language(request))
    return JSONResponse(out.model_dump(mode="json"), headers=_NO_STORE)


@router.post(
    "/sync/orgs:batch",
    response_model=BatchOut,
    responses=problems(409),
    summary="Create or update organisations by your external ids",
)
async def batch_orgs(
    body: OrgBatchIn,  # type: ignore[valid-type]
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    dry_run: Annotated[bool, Query(description="Report what would happen; write nothing.")] = False,
) -> Response:
    """Upsert up to 5,000 organisations keyed by your `external_id`: a row matches the org
    mapped to that id, else the org with the same `code`, else a new org is created under
    `parent_id` (ours) or `parent_external_id` (mapped, or created by an earlier row of the
    same batch: send parents first). Name, short name, address, establishment date and contact
    leader are updated; kind, formation, parent and code change through their own endpoints
    (`sync.field_not_synced`). Per-row results as for members. For sync clients (`sync:write`
    and `orgs:write`)."""
    result = await tree_cases.upsert_orgs(
        uow,
        who,
        rows=body.rows,  # type: ignore[attr-defined]
        dry_run=dry_run,
    )
    out = BatchOut.of(result, language(request))
    return JSONResponse(out.model_dump(mode="json"))


@router.post(
    "/sync/enterprises:batch",
    response_model=BatchOut,
    responses=problems(409),
    summary="Create or update enterprises by your external ids",
)
async def batch_enterprises(
    body: EnterpriseBatchIn,  # type: ignore[valid-type]
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    dry_run: Annotated[bool, Query(description="Report what would happen; write nothing.")] = False,
) -> Response:
    """Upsert up to 5,000 enterprises keyed by your `external_id`: a row matches the
    enterprise mapped to that id, else the one with the same unified social credit code, else a
    new one is registered under `org_id` or `org_external_id` (a territorial org). The credit
    code and the org change through their own endpoints (relocation); a row that differs there
    is rejected (`sync.field_not_synced`). Per-row results as for members. For sync clients
    (`sync:write` and `enterprises:write`)."""
    result = await tree_cases.upsert_enterprises(
        uow,
        who,
        rows=body.rows,  # type: ignore[attr-defined]
        dry_run=dry_run,
    )
    out = BatchOut.of(result, language(request))
    return JSONResponse(out.model_dump(mode="json"))


@router.get(
    "/changes",
    response_model=FeedOut,
    responses=problems(),
    summary="Follow the change feed",
)
async def read_changes(
    who: CurrentPrincipal,
    uow: ReadUow,
    since: Annotated[
        str | None,
        Query(
            description="`next_cursor` of the previous page; omit to start from the beginning.",
            max_length=512,
        ),
    ] = None,
    limit: Annotated[int, Query(description="Page size, 1–1000.")] = 200,
) -> FeedOut:
    """Every create, update, transfer and status change inside your client's subtree, in
    commit order, from a transactional outbox written with the change itself. Keep the
    `next_cursor` and pass it as `since`: no change is ever skipped, even one committed late by
    a slower transaction. Id and phone numbers never appear, only that they changed. For sync
    clients (`changes:read`); a cursor of another client is a 400."""
    return FeedOut.of(await feed_cases.read_changes(uow, who, since=since, limit=limit))


@router.post(
    "/sync/webhooks",
    status_code=201,
    response_model=WebhookWithSecretOut,
    responses=problems(),
    summary="Subscribe to changes by webhook",
)
async def create_webhook(
    body: WebhookCreate, who: CurrentPrincipal, uow: WriteUow, c: AppContainer
) -> Response:
    """POST every change of your subtree whose action matches `event_types` to `url`
    (http or https), from now on. Deliveries follow Standard Webhooks: headers `webhook-id`
    (stable across retries), `webhook-timestamp` and `webhook-signature: v1,<base64
    HMAC-SHA256 of "id.timestamp.body">` keyed with the `whsec_` secret shown once here. Body:
    `{"type", "timestamp", "data": {change_id, entity, entity_id, action, org_id, actor,
    changes}}` — no id or phone numbers. Retried with exponential backoff (10 s doubling, at
    most 6 h apart) until a 2xx, 8 attempts at most. For sync clients (`changes:read`)."""
    sub, secret = await webhook_cases.create_subscription(
        uow, who, url=body.url, event_types=body.event_types, cipher=c.cipher
    )
    out = WebhookWithSecretOut(**WebhookOut.of(sub).model_dump(), secret=secret)
    return JSONResponse(
        out.model_dump(mode="json"),
        status_code=201,
        headers={**_NO_STORE, "Location": f"/api/v1/sync/webhooks/{sub.id}"},
    )


@router.get(
    "/sync/webhooks",
    response_model=WebhooksOut,
    responses=problems(),
    summary="List your webhooks",
)
async def list_webhooks(who: CurrentPrincipal, uow: ReadUow) -> WebhooksOut:
    """Your client's active subscriptions."""
    subs = await webhook_cases.list_subscriptions(uow, who)
    return WebhooksOut(items=[WebhookOut.of(s) for s in subs])


@router.get(
    "/sync/webhooks/{webhook_id}",
    response_model=WebhookOut,
    responses=problems(),
    summary="Get a webhook",
)
async def get_webhook(webhook_id: Id, who: CurrentPrincipal, uow: ReadUow) -> WebhookOut:
    """One of your client's subscriptions (never its secret)."""
    return WebhookOut.of(await webhook_cases.get_subscription(uow, who, subscription_id=webhook_id))


@router.delete(
    "/sync/webhooks/{webhook_id}",
    status_code=204,
    responses=problems(),
    summary="Stop a webhook",
)
async def delete_webhook(webhook_id: Id, who: CurrentPrincipal, uow: WriteUow) -> Response:
    """No more deliveries; the delivery log is kept."""
    await webhook_cases.delete_subscription(uow, who, subscription_id=webhook_id)
    return Response(status_code=204)


@router.get(
    "/sync/webhooks/{webhook_id}/deliveries",
    response_model=PageOut[DeliveryOut],
    responses=problems(),
    summary="A webhook's delivery log",
)
async def list_deliveries(
    webhook_id: Id, who: CurrentPrincipal, uow: ReadUow, paging: Paging
) -> PageOut[DeliveryOut]:
    """Every delivery with its attempts, last status code or error, newest first."""
    after = decode_cursor(paging[1], kind="deliveries", sort="-id", arity=2)
    page = await webhook_cases.list_deliveries(
        uow, who, subscription_id=webhook_id, page=make_page(paging, after)
    )
    return PageOut[DeliveryOut](
        items=[DeliveryOut.of(d) for d in page.items],
        next_cursor=encode_cursor("deliveries", "-id", page.next_after),
    )


@router.post(
    "/sync/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=DeliveryOut,
    responses=problems(),
    summary="Send a delivery again",
)
async def redeliver(
    webhook_id: Id, delivery_id: Id, who: CurrentPrincipal, uow: WriteUow
) -> DeliveryOut:
    """Queue the delivery for the worker at once, also after it failed; same `webhook-id`."""
    return DeliveryOut.of(
        await webhook_cases.redeliver(uow, who, subscription_id=webhook_id, delivery_id=delivery_id)
    )
