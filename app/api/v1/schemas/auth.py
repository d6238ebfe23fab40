"""Request and response shapes of logins, tokens and staff accounts."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.v1.schemas.common import Id, Input
from app.domain.accounts.model import BindRequired, Grant, User
from app.domain.auth.scopes import Role

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$"


class _Secrets(Input):
    """Bodies with passwords or tokens: unknown fields refused, nothing stripped or altered."""

    model_config = ConfigDict(extra="forbid")


class LoginIn(_Secrets):
    username: str = Field(min_length=1, max_length=64, examples=["dehua.admin"])
    password: str = Field(min_length=1, max_length=256)


class RefreshIn(_Secrets):
    refresh_token: str = Field(min_length=1, max_length=200)


class WechatLoginIn(_Secrets):
    code: str = Field(
        min_length=1, max_length=128, description="The code from the mini-program's wx.login()."
    )


class WechatBindIn(_Secrets):
    bind_ticket: str = Field(min_length=1, max_length=200)
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(BaseModel):
    access_token: str = Field(description="EdDSA-signed JWT; send as `Authorization: Bearer`.")
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (a token type, not a secret)
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str = Field(
        description="Opaque, single use: each refresh returns a new one. Presenting a used one "
        "again ends the whole login session."
    )
    scope: str = Field(description="Space-separated scopes of the role.")
    org_id: int = Field(description="The organisation whose subtree the token acts in.")
    role: Role

    @classmethod
    def of(cls, g: Grant) -> TokenOut:
        return cls(
            access_token=g.access_token,
            expires_in=g.expires_in,
            refresh_token=g.refresh_token,
            scope=g.scope,
            org_id=g.org_id,
            role=g.role,
        )


class WechatUnboundOut(BaseModel):
    status: Literal["unbound"] = "unbound"
    bind_ticket: str = Field(
        description="Single use; send it with a username and password to /auth/wechat/bind."
    )
    expires_in: int = Field(description="Seconds the bind ticket stays valid.")

    @classmethod
    def of(cls, b: BindRequired) -> WechatUnboundOut:
        return cls(bind_ticket=b.bind_ticket, expires_in=b.expires_in)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    org_id: int = Field(description="Anchor: the role applies in this organisation's subtree.")
    enterprise_id: int | None
    member_id: int | None = Field(description="A member account's own member record.")
    active: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, u: User) -> UserOut:
        return cls(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            org_id=u.org_id,
            enterprise_id=u.enterprise_id,
            member_id=u.member_id,
            active=u.active,
            created_at=u.created_at,
            updated_at=u.updated_at,
        )


class UserCreate(_Secrets):
    username: str = Field(
        pattern=USERNAME_PATTERN,
        description="3 to 64 letters, digits, `.`, `_` or `-`; stored in lower case.",
        examples=["chengdong.park"],
    )
    display_name: str = Field(min_length=1, max_length=100, examples=["城东园区党建办"])
    role: Role = Field(description="Only roles whose scopes you hold yourself.")
    org_id: Id = Field(description="Anchor organisation, inside your subtree.")
    enterprise_id: Id | None = Field(
        default=None, description="Required for (and only for) enterprise_contact."
    )
    member_id: Id | None = Field(
        default=None,
        description="Only for the member role: the member record (in your subtree) it belongs "
        "to, for self-service (`GET /api/v1/members/me`).",
    )
    password: str = Field(min_length=1, max_length=256, description="At least 10 characters.")


class PasswordResetIn(_Secrets):
    password: str = Field(min_length=1, max_length=256, description="At least 10 characters.")
