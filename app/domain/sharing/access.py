"""Who may see and act on share requests and allocations.

Park staff see and coordinate requests posted under their subtree (outside it: NotFound). An
enterprise contact sees by their enterprise, not by their anchor: their own requests, open
requests of their park (same host organisation) with visibility ``park``, requests they were
invited to, and allocations made to their enterprise.
"""

from __future__ import annotations

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Role, Scope
from app.domain.enterprises.model import Enterprise
from app.domain.errors import FieldError, Forbidden, NotFound
from app.domain.ports import UnitOfWork
from app.domain.sharing.model import Allocation, RequestStatus, ShareRequest, Visibility


def is_contact(actor: Principal) -> bool:
    return actor.role is Role.ENTERPRISE_CONTACT


async def own_enterprise(uow: UnitOfWork, actor: Principal) -> Enterprise | None:
    """The contact's enterprise (None for staff, or a contact whose enterprise is gone)."""
    if not is_contact(actor) or actor.enterprise_id is None:
        return None
    return await uow.enterprises.get(actor.enterprise_id)


def request_not_found(request_id: int, pointer: str | None = None) -> NotFound:
    fields = [FieldError("share.request_not_found", pointer=pointer)] if pointer else None
    return NotFound("share.request_not_found", params={"id": request_id}, fields=fields)


async def contact_may_see(uow: UnitOfWork, actor: Principal, req: ShareRequest) -> bool:
    own = actor.enterprise_id
    if own is None:
        return False
    if req.enterprise_id == own:
        return True
    if req.status is RequestStatus.DRAFT:
        return False
    if req.visibility is Visibility.CHOSEN:
        return await uow.sharing.is_invited(req.id, own)
    ent = await uow.enterprises.get(own)
    return ent is not None and ent.org_id == req.org_id


async def load_request(
    uow: UnitOfWork, actor: Principal, request_id: int, *, lock: bool = False
) -> ShareRequest:
    """The request, if the actor may see it; otherwise NotFound (never Forbidden)."""
    req = await uow.sharing.get_request(request_id, lock=lock)
    if req is None:
        raise request_not_found(request_id)
    if is_contact(actor):
        if not await contact_may_see(uow, actor, req):
            raise request_not_found(request_id)
    elif not actor.covers_path(req.org_path):
        raise request_not_found(request_id)
    return req


def is_poster(actor: Principal, req: ShareRequest) -> bool:
    return is_contact(actor) and actor.enterprise_id == req.enterprise_id


def is_coordinator(actor: Principal, req: ShareRequest) -> bool:
    return (
        not is_contact(actor)
        and actor.has(Scope.SHARING_COORDINATE)
        and actor.covers_path(req.org_path)
    )


def require_poster_or_coordinator(actor: Principal, req: ShareRequest) -> None:
    if not (is_poster(actor, req) or is_coordinator(actor, req)):
        raise Forbidden("share.not_poster_or_coordinator", params={"id": req.id})


def sees_everything(actor: Principal, req: ShareRequest) -> bool:
    """Staff over the request's park and its poster see all offers and allocations."""
    return is_poster(actor, req) or (not is_contact(actor) and actor.covers_path(req.org_path))


async def load_allocation(
    uow: UnitOfWork, actor: Principal, allocation_id: int, *, lock: bool = False
) -> tuple[Allocation, ShareRequest]:
    """The allocation and its request (the request locked first when ``lock``), if the actor
    is staff over the park, the poster or the receiving firm; otherwise NotFound."""
    missing = NotFound("share.allocation_not_found", params={"id": allocation_id})
    found = await uow.sharing.get_allocation(allocation_id)
    if found is None:
        raise missing
    req = await uow.sharing.get_request(found.request_id, lock=lock)
    assert req is not None
    receiver = is_contact(actor) and actor.enterprise_id == found.enterprise_id
    if not (sees_everything(actor, req) or receiver):
        raise missing
    if lock:
        locked = await uow.sharing.get_allocation(allocation_id, lock=True)
        assert locked is not None
        found = locked
    return found, req
