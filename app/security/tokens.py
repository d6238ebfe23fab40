"""JWT access tokens: EdDSA only, with a kid; every claim we rely on is required."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

import jwt

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Role
from app.domain.errors import Unauthenticated
from app.security.keys import SigningKey

ALGORITHM = "EdDSA"  # pinned: tokens naming any other algorithm (or none) are rejected
REQUIRED = ["iss", "aud", "sub", "exp", "iat", "jti", "scope", "org"]
_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int
    jti: str


class TokenService:
    def __init__(self, key: SigningKey, *, issuer: str, audience: str, ttl_minutes: int) -> None:
        self.key = key
        self.issuer = issuer
        self.audience = audience
        self.ttl = dt.timedelta(minutes=ttl_minutes)
        self._verified: dict[str, tuple[Principal, float]] = {}

    def issue(
        self,
        *,
        subject: str,
        role: Role,
        scopes: frozenset[str] | set[str],
        org_id: int,
        enterprise_id: int | None = None,
        now: dt.datetime | None = None,
        ttl: dt.timedelta | None = None,
    ) -> IssuedToken:
        now = now or dt.datetime.now(dt.UTC)
        lifetime = ttl or self.ttl
        jti = uuid.uuid4().hex
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": int(now.timestamp()),
            "exp": int((now + lifetime).timestamp()),
            "jti": jti,
            "scope": " ".join(sorted(scopes)),
            "org": org_id,
            "role": role.value,
        }
        if enterprise_id is not None:
            claims["ent"] = enterprise_id
        token = jwt.encode(
            claims, self.key.private, algorithm=ALGORITHM, headers={"kid": self.key.kid}
        )
        return IssuedToken(token=token, expires_in=int(lifetime.total_seconds()), jti=jti)

    def verify(self, token: str, *, request_id: str = "-") -> Principal:
        # A token is immutable and its signature either verifies or not, so a verified token
        # is remembered until it expires: the signature check is most of a cheap request.
        cached = self._verified.get(token)
        if cached is not None:
            principal, exp = cached
            if exp > time.time():
                return replace(principal, request_id=request_id)
            self._verified.pop(token, None)
        principal, exp = self._verify(token)
        if len(self._verified) >= _CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))  # oldest first (insertion order)
        self._verified[token] = (principal, exp)
        return replace(principal, request_id=request_id)

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM or header.get("kid") != self.key.kid:
                raise Unauthenticated("auth.token_invalid")
            claims = jwt.decode(
                token,
                self.key.public,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": REQUIRED},
                leeway=10,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("auth.token_expired") from None
        except jwt.PyJWTError:
            raise Unauthenticated("auth.token_invalid") from None
        org = claims.get("org")
        role_name = claims.get("role")
        if not isinstance(org, int) or not isinstance(claims["scope"], str):
            raise Unauthenticated("auth.token_invalid")
        try:
            role = Role(role_name) if role_name else None
        except ValueError:
            raise Unauthenticated("auth.token_invalid") from None
        sub = str(claims["sub"])
        tail = sub.split(":", 1)[1] if sub.startswith("user:") else ""
        user_id = int(tail) if tail.isdigit() else None
        ent = claims.get("ent")
        principal = Principal(
            subject=sub,
            role=role,
            scopes=frozenset(claims["scope"].split()),
            org_id=org,
            enterprise_id=ent if isinstance(ent, int) else None,
            user_id=user_id,
            token_id=str(claims["jti"]),
        )
        return principal, float(claims["exp"])

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [self.key.jwk()]}
