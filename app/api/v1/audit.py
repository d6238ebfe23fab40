"""The audit log, for district administrators over their subtree."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CurrentPrincipal, Paging, ReadUow, make_page
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.common import AuditEntryOut, Id, PageOut
from app.domain.audit_service import list_audit
from app.domain.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/api/v1", tags=["audit"], route_class=StrictQueryRoute)


@router.get(
    "/audit",
    response_model=PageOut[AuditEntryOut],
    responses=problems(),
    summary="Read the audit log",
)
async def read_audit(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    action: Annotated[str | None, Query(max_length=64, description="e.g. org.move")] = None,
    target_type: Annotated[str | None, Query(max_length=32, description="e.g. org")] = None,
) -> PageOut[AuditEntryOut]:
    """Every write in a subtree: who, what, when and from which request id; newest first.
    Needs the `audit:read` scope (district administrators)."""
    after = decode_cursor(paging[1], kind="audit", sort="-id", arity=2)
    page = await list_audit(
        uow,
        who,
        org_id=org_id,
        page=make_page(paging, after),
        action=action,
        target_type=target_type,
    )
    return PageOut[AuditEntryOut](
        items=[AuditEntryOut.of(e) for e in page.items],
        next_cursor=encode_cursor("audit", "-id", page.next_after),
    )
