"""Transfer endpoints (组织关系接转): thin handlers over app.domain.members.transfers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import (
    AppContainer,
    CurrentPrincipal,
    IfMatchOptional,
    Paging,
    ReadUow,
    WriteUow,
    etag,
    make_page,
)
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import Id, PageOut
from app.api.v1.schemas.transfers import (
    IncomingTransferCreate,
    TransferCancel,
    TransferCreate,
    TransferDecision,
    TransferOut,
    TransferReceipt,
    TransferReject,
    TransferReport,
)
from app.domain.members import transfers as cases
from app.domain.members.ports import NewMember
from app.domain.members.transfer_model import (
    EXPIRING_DAYS_MAX,
    TransferQueue,
    TransferView,
)
from app.domain.members.transfers import IncomingLetter, NewTransfer
from app.domain.pagination import Page, decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["transfers"], route_class=StrictQueryRoute)

_NO_STORE = {"Cache-Control": "no-store"}
_LETTER_FIELDS = frozenset(
    {
        "letter_no",
        "origin_name",
        "origin_region",
        "dues_paid_until",
        "issued_on",
        "valid_until",
        "reported_on",
    }
)


def _response(view: TransferView, status: int = 200, *, location: bool = False) -> JSONResponse:
    out = TransferOut.of(view)
    headers = {"ETag": etag(out.version), **_NO_STORE}
    if location:
        headers["Location"] = f"/api/v1/transfers/{out.id}"
    return JSONResponse(out.model_dump(mode="json"), status_code=status, headers=headers)


def _page(page: Page[TransferView], sort: str) -> JSONResponse:
    out = PageOut[TransferOut](
        items=[TransferOut.of(v) for v in page.items],
        next_cursor=encode_cursor("transfers", sort, page.next_after),
    )
    return JSONResponse(out.model_dump(mode="json"), headers=_NO_STORE)


async def _decide(
    request: Request,
    uow: WriteUow,
    who: CurrentPrincipal,
    key: str | None,
    run: Callable[[], Awaitable[TransferView]],
) -> Response:
    async def act() -> JSONResponse:
        return _response(await run())

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/transfers",
    status_code=201,
    response_model=TransferOut,
    responses=problems(409),
    summary="Issue a transfer (introduction letter)",
)
async def issue_transfer(
    body: TransferCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """The sending side (the member's branch or an org above it) issues an introduction letter
    (介绍信) to a branch inside the system (`to_org_id`) or to an organisation outside it
    (`external_name` + `external_region`). The member must be on the roll and have no transfer
    under way (409 `transfer.already_open` with `existing_id`; also enforced by the database).
    Validity: `issued_on` defaults to today, `valid_until` to three months later and may not
    exceed that (422 `transfer.validity_too_long`). Needs `members:write`. Honours
    `Idempotency-Key`."""

    async def act() -> JSONResponse:
        view = await cases.issue_transfer(uow, who, new=NewTransfer(**body.model_dump()))
        return _response(view, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.post(
    "/transfers/incoming",
    status_code=201,
    response_model=TransferOut,
    responses=problems(409),
    summary="Register a letter from outside the system",
)
async def register_incoming(
    body: IncomingTransferCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    c: AppContainer,
) -> Response:
    """A member arrives with a letter from outside the system (another province) and reports
    to `org_id`, a branch in your subtree: the member is registered there with the member
    fields of `POST /members` (affiliated from `reported_on`), and the transfer is recorded as
    `incoming` and `completed`. If the id number belongs to a member who once transferred out
    of the system, that record is re-admitted instead of duplicated; any other existing record
    is a 409 `member.national_id_taken`. Needs `members:write`. Honours `Idempotency-Key`."""
    values = body.model_dump()
    letter = {k: values.pop(k) for k in _LETTER_FIELDS}

    async def act() -> JSONResponse:
        view = await cases.register_incoming(
            uow,
            who,
            letter=IncomingLetter(member=NewMember(**values), **letter),
            cipher=c.cipher,
        )
        return _response(view, 201, location=True)

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/transfers/{transfer_id}",
    response_model=TransferOut,
    responses=problems(),
    summary="Get a transfer",
)
async def get_transfer(transfer_id: Id, who: CurrentPrincipal, uow: ReadUow) -> Response:
    """A transfer whose sending or receiving org is in your subtree (`members:read`), or your
    own with a member token. `state` is as of today: an open transfer past its validity reads
    `expired`."""
    return _response(await cases.get_transfer(uow, who, transfer_id=transfer_id))


@router.post(
    "/transfers/{transfer_id}/accept",
    response_model=TransferOut,
    responses=problems(409, 412),
    summary="Accept a transfer (destination)",
)
async def accept_transfer(
    transfer_id: Id,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    version: IfMatchOptional,
    body: TransferDecision | None = None,
) -> Response:
    """The receiving org (or one above it) accepts an issued, still valid transfer. An org that
    sees the transfer only as its sender gets 422 `transfer.not_destination`; a cancelled,
    rejected or finished one is 409 `transfer.wrong_state`; past its validity 422
    `transfer.expired`. Optional `If-Match`. Honours `Idempotency-Key`."""
    return await _decide(
        request,
        uow,
        who,
        key,
        lambda: cases.accept_transfer(
            uow,
            who,
            transfer_id=transfer_id,
            on_date=body.on_date if body else None,
            expected_version=version,
        ),
    )


@router.post(
    "/transfers/{transfer_id}/reject",
    response_model=TransferOut,
    responses=problems(409, 412),
    summary="Reject a transfer (destination)",
)
async def reject_transfer(
    transfer_id: Id,
    body: TransferReject,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    version: IfMatchOptional,
) -> Response:
    """The receiving org refuses an issued transfer with a reason; the member stays where they
    are. Same rules as accept. Honours `Idempotency-Key`."""
    return await _decide(
        request,
        uow,
        who,
        key,
        lambda: cases.reject_transfer(
            uow,
            who,
            transfer_id=transfer_id,
            reason=body.reason,
            on_date=body.on_date,
            expected_version=version,
        ),
    )


@router.post(
    "/transfers/{transfer_id}/cancel",
    response_model=TransferOut,
    responses=problems(409, 412),
    summary="Cancel a transfer (sender)",
)
async def cancel_transfer(
    transfer_id: Id,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    version: IfMatchOptional,
    body: TransferCancel | None = None,
) -> Response:
    """The sending org withdraws a transfer not yet accepted (422 `transfer.not_sender` for the
    destination's side; 409 `transfer.wrong_state` once accepted). Honours `Idempotency-Key`."""
    return await _decide(
        request,
        uow,
        who,
        key,
        lambda: cases.cancel_transfer(
            uow,
            who,
            transfer_id=transfer_id,
            reason=body.reason if body else None,
            expected_version=version,
        ),
    )


@router.post(
    "/transfers/{transfer_id}/report",
    response_model=TransferOut,
    responses=problems(409, 412),
    summary="Record the member's report (报到)",
)
async def report_transfer(
    transfer_id: Id,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    version: IfMatchOptional,
    body: TransferReport | None = None,
) -> Response:
    """The member reported to the receiving org on `reported_on` (default today) of an accepted
    transfer still within its validity (after it: 422 `transfer.expired`). In the same
    transaction the old affiliation closes, the new one opens, the member's org changes and
    both orgs' member counts move. Recorded by the destination's side (`members:write`) or
    confirmed by the member with their own token (only their own transfer; any other is a
    404). Honours `Idempotency-Key`."""
    return await _decide(
        request,
        uow,
        who,
        key,
        lambda: cases.report_transfer(
            uow,
            who,
            transfer_id=transfer_id,
            reported_on=body.reported_on if body else None,
            expected_version=version,
        ),
    )


@router.post(
    "/transfers/{transfer_id}/receipt",
    response_model=TransferOut,
    responses=problems(409, 412),
    summary="Record the receipt (回执)",
)
async def record_receipt(
    transfer_id: Id,
    body: TransferReceipt,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
    version: IfMatchOptional,
) -> Response:
    """For a transfer leaving the system (recorded by the sender's side) the receipt completes
    it: the affiliation ends on `receipt_on`, the member's standing becomes `transferred_out`
    and the branch's member count drops. For a completed transfer inside the system (or a
    registered incoming one) it records the receipt's number and date, once. Honours
    `Idempotency-Key`."""
    return await _decide(
        request,
        uow,
        who,
        key,
        lambda: cases.record_receipt(
            uow,
            who,
            transfer_id=transfer_id,
            receipt_no=body.receipt_no,
            receipt_on=body.receipt_on,
            expected_version=version,
        ),
    )


@router.get(
    "/members/me/transfers",
    response_model=PageOut[TransferOut],
    responses=problems(),
    summary="My own transfers",
)
async def my_transfers(who: CurrentPrincipal, uow: ReadUow, paging: Paging) -> Response:
    """Self-service: the transfers of the member linked to your member account, newest first.
    404 `member.not_linked` when your account has none."""
    after = decode_cursor(paging[1], kind="transfers", sort="member", arity=2)
    page = await cases.my_transfers(uow, who, page=make_page(paging, after))
    return _page(page, "member")


@router.get(
    "/members/{member_id}/transfers",
    response_model=PageOut[TransferOut],
    responses=problems(),
    summary="A member's transfers",
)
async def member_transfers(
    member_id: Id, who: CurrentPrincipal, uow: ReadUow, paging: Paging
) -> Response:
    """Every transfer of a member affiliated in your subtree, newest first."""
    after = decode_cursor(paging[1], kind="transfers", sort="member", arity=2)
    page = await cases.member_transfers(
        uow, who, member_id=member_id, page=make_page(paging, after)
    )
    return _page(page, "member")


@router.get(
    "/orgs/{org_id}/transfers",
    response_model=PageOut[TransferOut],
    responses=problems(),
    summary="Transfer work queue of a subtree",
)
async def org_transfer_queue(
    org_id: Id,
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    queue: Annotated[
        TransferQueue,
        Query(
            description="awaiting_decision (issued to the subtree, still valid), outgoing_open "
            "(issued from the subtree, not finished), expiring (open, validity ends within "
            "within_days), overdue (open, validity passed), incoming_open (issued or accepted "
            "to the subtree, still valid), history (finished, newest first)."
        ),
    ],
    within_days: Annotated[
        int | None,
        Query(ge=1, le=EXPIRING_DAYS_MAX, description="Only with queue=expiring; default 30."),
    ] = None,
) -> Response:
    """A work queue over the subtree of `org_id`, soonest expiry first (history: newest
    first). Needs `members:read`."""
    after = decode_cursor(paging[1], kind="transfers", sort=queue.value, arity=2)
    page = await cases.org_transfer_queue(
        uow,
        who,
        org_id=org_id,
        queue=queue,
        within_days=within_days,
        page=make_page(paging, after),
    )
    return _page(page, queue.value)
