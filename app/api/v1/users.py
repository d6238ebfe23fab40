"""Staff account administration: thin handlers over app.domain.accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import CurrentPrincipal, Paging, ReadUow, WriteUow, make_page
from app.api.idempotency import IdempotencyKey, run_idempotent
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.auth import PasswordResetIn, UserCreate, UserOut
from app.api.v1.schemas.common import Id, PageOut
from app.domain.accounts import users as account_cases
from app.domain.accounts.model import NewUser
from app.domain.accounts.ports import UserFilter
from app.domain.auth.scopes import Role
from app.domain.pagination import decode_cursor, encode_cursor
from app.security.passwords import ARGON2

router = APIRouter(prefix="/api/v1", tags=["users"], route_class=StrictQueryRoute)


@router.post(
    "/users",
    status_code=201,
    response_model=UserOut,
    responses=problems(409),
    summary="Create a staff account",
)
async def create_user(
    body: UserCreate,
    request: Request,
    who: CurrentPrincipal,
    uow: WriteUow,
    key: IdempotencyKey,
) -> Response:
    """Create an account anchored at an organisation in your subtree. You can grant only roles
    whose scopes you hold yourself (403 `user.role_not_grantable`). Enterprise contacts name
    their enterprise. Needs `accounts:write`; honours `Idempotency-Key`."""

    async def act() -> JSONResponse:
        user = await account_cases.create_user(
            uow,
            who,
            new=NewUser(
                username=body.username,
                display_name=body.display_name,
                role=body.role,
                org_id=body.org_id,
                enterprise_id=body.enterprise_id,
                member_id=body.member_id,
            ),
            password=body.password,
            hasher=ARGON2,
        )
        return JSONResponse(
            UserOut.of(user).model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/api/v1/users/{user.id}"},
        )

    return await run_idempotent(request, uow, who, key, act)


@router.get(
    "/users",
    response_model=PageOut[UserOut],
    responses=problems(),
    summary="List staff accounts in your subtree",
)
async def list_users(
    who: CurrentPrincipal,
    uow: ReadUow,
    paging: Paging,
    org_id: Annotated[Id | None, Query(description="Subtree root; default your own.")] = None,
    role: Annotated[Role | None, Query(description="Only accounts with this role.")] = None,
    active: Annotated[bool | None, Query(description="Only active or inactive ones.")] = None,
    q: Annotated[str | None, Query(max_length=64, description="Username contains.")] = None,
) -> PageOut[UserOut]:
    """Accounts anchored anywhere in the subtree, by username. Needs `accounts:write`."""
    after = decode_cursor(paging[1], kind="users", sort="username", arity=2)
    page = await account_cases.list_users(
        uow,
        who,
        org_id=org_id,
        filters=UserFilter(role=role, active=active, username_contains=q),
        page=make_page(paging, after),
    )
    return PageOut[UserOut](
        items=[UserOut.of(u) for u in page.items],
        next_cursor=encode_cursor("users", "username", page.next_after),
    )


@router.get("/users/me", response_model=UserOut, responses=problems(), summary="Your own account")
async def get_me(who: CurrentPrincipal, uow: ReadUow) -> UserOut:
    """The account the bearer token was issued to (any role, no scope needed)."""
    return UserOut.of(await account_cases.get_me(uow, who))


@router.get(
    "/users/{user_id}", response_model=UserOut, responses=problems(), summary="Get an account"
)
async def get_user(user_id: Id, who: CurrentPrincipal, uow: ReadUow) -> UserOut:
    """One account anchored in your subtree (404 otherwise). Needs `accounts:write`."""
    return UserOut.of(await account_cases.get_user(uow, who, user_id=user_id))


@router.post(
    "/users/{user_id}/deactivate",
    response_model=UserOut,
    responses=problems(409),
    summary="Deactivate an account",
)
async def deactivate_user(user_id: Id, who: CurrentPrincipal, uow: WriteUow) -> UserOut:
    """Block further logins and revoke the account's refresh tokens. You cannot deactivate
    yourself, or an account whose role has scopes you lack."""
    return UserOut.of(await account_cases.deactivate_user(uow, who, user_id=user_id))


@router.post(
    "/users/{user_id}/password",
    status_code=204,
    responses=problems(),
    summary="Reset an account's password",
)
async def reset_password(
    user_id: Id, body: PasswordResetIn, who: CurrentPrincipal, uow: WriteUow
) -> Response:
    """Set a new password (at least 10 characters); the account's refresh tokens are revoked."""
    await account_cases.reset_password(
        uow, who, user_id=user_id, password=body.password, hasher=ARGON2
    )
    return Response(status_code=204)
