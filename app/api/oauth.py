"""OAuth2 token endpoint for machine clients: the client-credentials grant (RFC 6749 §4.4).

Errors follow RFC 6749 §5.2 (`{"error": "invalid_client", "error_description": "…"}`, JSON,
400 or 401) rather than problem+json, because OAuth client libraries parse exactly that."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from app.api.deps import AppContainer, WriteUow
from app.api.problems import language
from app.domain.errors import DomainError, Unauthenticated
from app.domain.messages import render
from app.domain.sync import clients as client_cases

router = APIRouter(tags=["auth"])

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_MAX_BODY = 4096
_MAX_VALUE = 512

_OAUTH_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "string",
            "enum": [
                "invalid_request",
                "invalid_client",
                "invalid_scope",
                "unsupported_grant_type",
            ],
        },
        "error_description": {"type": "string"},
    },
}
_OPENAPI: dict[str, Any] = {
    "security": [],
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {
                            "type": "string",
                            "description": "Unless sent with HTTP Basic authentication.",
                        },
                        "client_secret": {"type": "string"},
                        "scope": {
                            "type": "string",
                            "description": "Space-separated; default all the client's scopes.",
                        },
                    },
                }
            }
        },
    },
    "responses": {
        "400": {
            "description": "RFC 6749 error: invalid_request, invalid_scope, "
            "unsupported_grant_type.",
            "content": {"application/json": {"schema": _OAUTH_ERROR}},
        },
        "401": {
            "description": "RFC 6749 error: invalid_client.",
            "content": {"application/json": {"schema": _OAUTH_ERROR}},
        },
    },
}


class _OAuthError(Exception):
    def __init__(self, error: str, code: str, status: int = 400, **params: Any) -> None:
        super().__init__(error)
        self.error, self.code, self.status, self.params = error, code, status, params


def _error(request: Request, e: _OAuthError, *, basic: bool) -> JSONResponse:
    _, detail = render(e.code, e.params, language(request))
    headers = dict(_NO_STORE)
    if e.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="lianjian"' if basic else "Bearer"
    return JSONResponse(
        {"error": e.error, "error_description": detail}, status_code=e.status, headers=headers
    )


def _form(body: bytes) -> dict[str, str]:
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise _OAuthError("invalid_request", "oauth.invalid_request", parameter="body") from None
    out: dict[str, str] = {}
    for name, values in parsed.items():
        if len(values) != 1:
            raise _OAuthError("invalid_request", "oauth.invalid_request", parameter=name)
        value = values[0]
        if len(value) > _MAX_VALUE or "\x00" in value:
            raise _OAuthError("invalid_request", "oauth.invalid_request", parameter=name)
        out[name] = value
    return out


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        raw = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _OAuthError("invalid_client", "oauth.invalid_client", 401) from None
    user, sep, password = raw.partition(":")
    if not sep:
        raise _OAuthError("invalid_client", "oauth.invalid_client", 401)
    # RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
    return unquote(user.replace("+", " ")), unquote(password.replace("+", " "))


@router.post(
    "/oauth/token",
    openapi_extra=_OPENAPI,
    summary="Client-credentials grant for machine clients",
    response_description="An access token (our JWT) anchored at the client's org.",
)
async def oauth_token(request: Request, uow: WriteUow, c: AppContainer) -> Response:
    """`grant_type=client_credentials`, form-encoded, with the client authenticated by HTTP
    Basic (`client_id:client_secret`) or by `client_id` and `client_secret` in the body. The
    answer is `{"access_token", "token_type": "Bearer", "expires_in", "scope"}`; errors are
    RFC 6749 JSON (`invalid_client` 401, `invalid_request` / `invalid_scope` /
    `unsupported_grant_type` 400)."""
    header = request.headers.get("authorization", "")
    basic = header.lower().startswith("basic ")
    try:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            raise _OAuthError("invalid_request", "oauth.invalid_request", parameter="content-type")
        body = await request.body()
        if len(body) > _MAX_BODY:
            raise _OAuthError("invalid_request", "oauth.invalid_request", parameter="body")
        form = _form(body)
        if form.get("grant_type") != "client_credentials":
            if "grant_type" not in form:
                raise _OAuthError(
                    "invalid_request", "oauth.invalid_request", parameter="grant_type"
                )
            raise _OAuthError("unsupported_grant_type", "oauth.unsupported_grant_type")
        credentials = _basic(header) if basic else None
        if credentials is not None and ("client_secret" in form):
            # RFC 6749 §2.3: one authentication method per request.
            raise _OAuthError("invalid_request", "oauth.invalid_request", parameter="client_secret")
        if credentials is None:
            if "client_id" not in form or "client_secret" not in form:
                raise _OAuthError("invalid_client", "oauth.invalid_client", 401)
            credentials = (form["client_id"], form["client_secret"])
        client_key, secret = credentials
        if len(client_key) > 64 or "\x00" in client_key + secret:
            raise _OAuthError("invalid_client", "oauth.invalid_client", 401)
        try:
            grant = await client_cases.client_credentials(
                uow,
                client_key=client_key,
                secret=secret,
                scope=form.get("scope"),
                cipher=c.cipher,
                tokens=c.tokens,
                request_id=str(getattr(request.state, "request_id", "-")),
            )
        except Unauthenticated:
            raise _OAuthError("invalid_client", "oauth.invalid_client", 401) from None
        except DomainError as e:
            raise _OAuthError("invalid_scope", e.code, 400, **e.params) from None
    except _OAuthError as e:
        return _error(request, e, basic=basic)
    return JSONResponse(
        {
            "access_token": grant.access_token,
            "token_type": "Bearer",
            "expires_in": grant.expires_in,
            "scope": grant.scope,
        },
        headers=_NO_STORE,
    )
