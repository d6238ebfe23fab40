"""Public login endpoints (no bearer token): passwords, WeChat, refresh and logout."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import AppContainer, WriteUow
from app.api.routing import StrictQueryRoute
from app.api.v1.responses import problems
from app.api.v1.schemas.auth import (
    LoginIn,
    RefreshIn,
    TokenOut,
    WechatBindIn,
    WechatLoginIn,
    WechatUnboundOut,
)
from app.domain.accounts import sessions as account_cases
from app.domain.accounts.model import BindRequired, Grant
from app.domain.accounts.ports import AuthKit, AuthPolicy
from app.integrations.wechat import WechatClient
from app.security.passwords import ARGON2

router = APIRouter(prefix="/api/v1", tags=["auth"], route_class=StrictQueryRoute)

PUBLIC: dict[str, Any] = {"security": []}  # OpenAPI: these operations take no bearer token
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def auth_kit(c: AppContainer) -> AuthKit:
    s = c.settings
    return AuthKit(
        hasher=ARGON2,
        tokens=c.tokens,
        cipher=c.cipher,
        wechat=WechatClient(
            base_url=s.wechat_base_url,
            appid=s.wechat_appid,
            secret=s.wechat_secret,
            timeout_seconds=s.wechat_timeout_seconds,
        ),
        policy=AuthPolicy(
            max_failures_per_account=s.login_max_failures_per_account,
            max_failures_per_address=s.login_max_failures_per_address,
            window_minutes=s.login_window_minutes,
            refresh_token_days=s.refresh_token_days,
        ),
    )


Kit = Annotated[AuthKit, Depends(auth_kit)]


def _address(request: Request) -> str:
    # The peer address; behind a reverse proxy run uvicorn with --proxy-headers.
    return request.client.host if request.client else "unknown"


def _request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "-"))


def _tokens(grant: Grant) -> JSONResponse:
    return JSONResponse(TokenOut.of(grant).model_dump(mode="json"), headers=NO_STORE)


@router.post(
    "/auth/token",
    response_model=TokenOut,
    responses=problems(429),
    openapi_extra=PUBLIC,
    summary="Log in with a username and password",
)
async def issue_token(body: LoginIn, request: Request, uow: WriteUow, kit: Kit) -> Response:
    """Exchange a username and password for an access token (short-lived JWT) and a refresh
    token. A wrong password and an unknown username give the same 401
    `auth.invalid_credentials`. Repeated failures per account or per client address within the
    window answer 429 `auth.too_many_attempts` with `Retry-After`."""
    grant = await account_cases.login(
        uow,
        kit,
        username=body.username,
        password=body.password,
        address=_address(request),
        request_id=_request_id(request),
    )
    return _tokens(grant)


@router.post(
    "/auth/refresh",
    response_model=TokenOut,
    responses=problems(),
    openapi_extra=PUBLIC,
    summary="Rotate a refresh token",
)
async def refresh_token(body: RefreshIn, request: Request, uow: WriteUow, kit: Kit) -> Response:
    """Exchange a refresh token for a new access token and a new refresh token; the old one is
    spent. Presenting a spent token again (replay, or two refreshes at once) revokes every token
    of that login and answers 401 `auth.refresh_invalid`: refresh one request at a time."""
    grant = await account_cases.refresh(
        uow, kit, refresh_token=body.refresh_token, request_id=_request_id(request)
    )
    return _tokens(grant)


@router.post(
    "/auth/logout",
    status_code=204,
    responses=problems(),
    openapi_extra=PUBLIC,
    summary="Log out (revoke the login session)",
)
async def logout(body: RefreshIn, request: Request, uow: WriteUow) -> Response:
    """Revoke the refresh token and every token rotated from the same login. Access tokens
    already issued lapse within their short lifetime."""
    await account_cases.logout(
        uow, refresh_token=body.refresh_token, request_id=_request_id(request)
    )
    return Response(status_code=204)


@router.post(
    "/auth/wechat",
    response_model=TokenOut | WechatUnboundOut,
    responses=problems(502),
    openapi_extra=PUBLIC,
    summary="Log in with a WeChat mini-program code",
)
async def wechat_login(body: WechatLoginIn, request: Request, uow: WriteUow, kit: Kit) -> Response:
    """Exchange the code from `wx.login()`. When the WeChat user is bound to an active account
    the answer is the same as `/auth/token`; otherwise `{"status": "unbound", "bind_ticket"}`
    (valid 10 minutes, single use) for `/auth/wechat/bind`. An invalid or used code (WeChat
    errcode 40029/40163) is 401 `auth.wechat_code_invalid`; other WeChat errors are 502
    `auth.wechat_failed` with `errcode`; WeChat busy, unreachable or timing out is 502
    `auth.wechat_unavailable`."""
    outcome = await account_cases.login_wechat(
        uow, kit, code=body.code, request_id=_request_id(request)
    )
    if isinstance(outcome, BindRequired):
        return JSONResponse(WechatUnboundOut.of(outcome).model_dump(mode="json"), headers=NO_STORE)
    return _tokens(outcome)


@router.post(
    "/auth/wechat/bind",
    response_model=TokenOut,
    responses=problems(409, 429),
    openapi_extra=PUBLIC,
    summary="Bind a WeChat user to an account and log in",
)
async def wechat_bind(body: WechatBindIn, request: Request, uow: WriteUow, kit: Kit) -> Response:
    """Prove an account with its username and password (throttled like `/auth/token`) to bind
    the WeChat user of a bind ticket to it; answers with tokens. Later WeChat logins of that
    user log straight in."""
    grant = await account_cases.bind_wechat(
        uow,
        kit,
        bind_ticket=body.bind_ticket,
        username=body.username,
        password=body.password,
        address=_address(request),
        request_id=_request_id(request),
    )
    return _tokens(grant)
