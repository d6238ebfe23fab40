"""Logins, refresh tokens, logout and WeChat binding.

These use cases have no actor yet: failures are bookkeeping that must outlive the failed
request, so they commit it explicitly before raising.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any, NoReturn

from app.domain.accounts import messages as _messages  # noqa: F401  (registers the codes)
from app.domain.accounts.model import (
    BindRequired,
    Credentials,
    Grant,
    RefreshToken,
    User,
    digest,
    normalize_username,
    opaque_secret,
    scope_string,
    throttle_keys,
)
from app.domain.accounts.ports import (
    AuthKit,
    AuthPolicy,
    WechatRejected,
    WechatUnreachable,
)
from app.domain.auth.principal import Principal
from app.domain.auth.scopes import scopes_for
from app.domain.errors import (
    Conflict,
    DomainError,
    Throttled,
    Unauthenticated,
    UpstreamFailed,
)
from app.domain.ports import UnitOfWork

SESSION_KEY_CONTEXT = "wechat.session_key"
# jscode2session errcodes that mean "this login code is no good": the client should call
# wx.login again, so they are the client's 401, not our upstream's failure.
WECHAT_BAD_CODE = frozenset({40029, 40163})
# WeChat is busy or rate-limits us: retry later.
WECHAT_BUSY = frozenset({-1, 45011})


def _principal_of(user: User, request_id: str) -> Principal:
    return Principal(
        subject=user.subject,
        role=user.role,
        scopes=frozenset(s.value for s in scopes_for(user.role)),
        org_id=user.org_id,
        request_id=request_id,
        enterprise_id=user.enterprise_id,
        user_id=user.id,
    )


def _anonymous(request_id: str) -> Principal:
    return Principal(
        subject="anonymous", role=None, scopes=frozenset(), org_id=None, request_id=request_id
    )


# --- throttling and credentials ---------------------------------------------------------------


async def _check_throttle(
    uow: UnitOfWork, policy: AuthPolicy, keys: tuple[str, str], now: dt.datetime
) -> None:
    window = dt.timedelta(minutes=policy.window_minutes)
    wait = 0
    limits = (policy.max_failures_per_account, policy.max_failures_per_address)
    for key, limit in zip(keys, limits, strict=True):
        if limit <= 0:
            continue
        times = await uow.accounts.recent_failures(key, since=now - window, limit=limit)
        if len(times) >= limit:
            # The count drops below the limit when the limit-th newest failure leaves the window.
            free_at = times[limit - 1] + window
            wait = max(wait, math.ceil((free_at - now).total_seconds()))
    if wait > 0:
        raise Throttled("auth.too_many_attempts", retry_after=max(wait, 1))


async def _fail(
    uow: UnitOfWork, policy: AuthPolicy, keys: tuple[str, str], now: dt.datetime
) -> NoReturn:
    await uow.accounts.record_failure(
        keys, at=now, prune_before=now - dt.timedelta(minutes=policy.window_minutes)
    )
    await uow.commit()  # the count must survive the failed request
    raise Unauthenticated("auth.invalid_credentials")


async def _authenticate(
    uow: UnitOfWork, kit: AuthKit, *, username: str, password: str, address: str
) -> Credentials:
    now = uow.clock.now()
    keys = throttle_keys(username, address)
    await _check_throttle(uow, kit.policy, keys, now)
    creds = await uow.accounts.credentials(normalize_username(username))
    # Nothing is written yet: end the transaction so no lock is held across the slow hash
    # (on SQLite a write transaction holds the database lock).
    await uow.rollback()
    # Unknown accounts are verified against a dummy hash: same answer, similar time.
    ok = await kit.hasher.verify(creds.password_hash if creds else None, password)
    if not ok or creds is None:
        await _fail(uow, kit.policy, keys, now)
    if not creds.user.active:
        raise Unauthenticated("auth.account_disabled")
    await uow.accounts.clear_failures(keys[0])
    if creds.password_hash and kit.hasher.needs_rehash(creds.password_hash):
        await uow.accounts.set_password_hash(
            creds.user.id, await kit.hasher.hash(password), now=uow.clock.now()
        )
    return creds


def _grant(kit: AuthKit, user: User, refresh_token: str, now: dt.datetime) -> Grant:
    issued = kit.tokens.issue(
        subject=user.subject,
        role=user.role,
        scopes=frozenset(s.value for s in scopes_for(user.role)),
        org_id=user.org_id,
        enterprise_id=user.enterprise_id,
        now=now,
    )
    return Grant(
        access_token=issued.token,
        expires_in=issued.expires_in,
        refresh_token=refresh_token,
        scope=scope_string(user.role),
        org_id=user.org_id,
        role=user.role,
        user_id=user.id,
    )


async def _open_session(
    uow: UnitOfWork,
    kit: AuthKit,
    user_id: int,
    *,
    request_id: str,
    changes: dict[str, Any],
) -> Grant:
    """Start a refresh-token family for the account, audit the login, commit, hand out tokens."""
    user = await uow.accounts.get(user_id)  # re-read: it may have changed since verification
    if user is None or not user.active:
        raise Unauthenticated("auth.account_disabled")
    now = uow.clock.now()
    plain, token_hash = opaque_secret()
    await uow.accounts.add_refresh_token(
        token_hash=token_hash,
        family_id=str(uuid.uuid4()),
        user_id=user.id,
        now=now,
        expires_at=now + dt.timedelta(days=kit.policy.refresh_token_days),
    )
    await uow.audit.record(
        _principal_of(user, request_id),
        action="auth.login",
        target_type="user",
        target_id=user.id,
        org_id=user.org_id,
        changes=changes,
    )
    grant = _grant(kit, user, plain, now)
    await uow.commit()
    return grant


# --- logins -----------------------------------------------------------------------------------


async def login(
    uow: UnitOfWork,
    kit: AuthKit,
    *,
    username: str,
    password: str,
    address: str,
    request_id: str = "-",
) -> Grant:
    """Exchange a username and password for an access token and a new refresh-token family."""
    creds = await _authenticate(uow, kit, username=username, password=password, address=address)
    return await _open_session(
        uow,
        kit,
        creds.user.id,
        request_id=request_id,
        changes={"method": "password", "address": address},
    )


async def refresh(
    uow: UnitOfWork, kit: AuthKit, *, refresh_token: str, request_id: str = "-"
) -> Grant:
    """Rotate a refresh token; presenting one that was already used revokes its whole family."""
    now = uow.clock.now()
    token = await uow.accounts.find_refresh_token(digest(refresh_token))
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise Unauthenticated("auth.refresh_invalid")
    if token.used_at is not None:
        await _reuse_detected(uow, token, now, request_id)
    if not await uow.accounts.claim_refresh_token(token.id, now=now):
        # Someone else used (or revoked) it after we read it: a concurrent use is reuse too.
        again = await uow.accounts.find_refresh_token(digest(refresh_token))
        if again is not None and again.used_at is not None:
            await _reuse_detected(uow, again, now, request_id)
        raise Unauthenticated("auth.refresh_invalid")
    user = await uow.accounts.get(token.user_id)
    if user is None or not user.active:
        raise Unauthenticated("auth.refresh_invalid")
    plain, token_hash = opaque_secret()
    await uow.accounts.add_refresh_token(
        token_hash=token_hash,
        family_id=token.family_id,
        user_id=user.id,
        now=now,
        expires_at=now + dt.timedelta(days=kit.policy.refresh_token_days),
    )
    grant = _grant(kit, user, plain, now)
    await uow.commit()  # token bookkeeping only: rotations are not audited, reuse is
    return grant


async def _reuse_detected(
    uow: UnitOfWork, token: RefreshToken, now: dt.datetime, request_id: str
) -> NoReturn:
    revoked = await uow.accounts.revoke_family(token.family_id, now=now)
    user = await uow.accounts.get(token.user_id)
    # The presenter may be a thief, so the actor is anonymous; the target is the account.
    await uow.audit.record(
        _anonymous(request_id),
        action="auth.refresh_reuse",
        target_type="user",
        target_id=token.user_id,
        org_id=user.org_id if user else None,
        changes={"family_id": token.family_id, "revoked": revoked},
    )
    await uow.commit()
    raise Unauthenticated("auth.refresh_invalid")


async def logout(uow: UnitOfWork, *, refresh_token: str, request_id: str = "-") -> None:
    """Revoke the refresh-token family the token belongs to (the whole login session)."""
    token = await uow.accounts.find_refresh_token(digest(refresh_token))
    if token is None:
        raise Unauthenticated("auth.refresh_invalid")
    now = uow.clock.now()
    revoked = await uow.accounts.revoke_family(token.family_id, now=now)
    if revoked == 0:
        return  # already logged out: nothing to write
    user = await uow.accounts.get(token.user_id)
    actor = _principal_of(user, request_id) if user else _anonymous(request_id)
    await uow.audit.record(
        actor,
        action="auth.logout",
        target_type="user",
        target_id=token.user_id,
        org_id=user.org_id if user else None,
        changes={"family_id": token.family_id, "revoked": revoked},
    )
    await uow.commit()


def _wechat_error(errcode: int) -> DomainError:
    if errcode in WECHAT_BAD_CODE:
        return Unauthenticated(
            "auth.wechat_code_invalid", params={"errcode": errcode}, extra={"errcode": errcode}
        )
    if errcode in WECHAT_BUSY:
        return UpstreamFailed("auth.wechat_unavailable", extra={"errcode": errcode})
    return UpstreamFailed(
        "auth.wechat_failed", params={"errcode": errcode}, extra={"errcode": errcode}
    )


async def login_wechat(
    uow: UnitOfWork, kit: AuthKit, *, code: str, request_id: str = "-"
) -> Grant | BindRequired:
    """Exchange a mini-program login code: tokens when the WeChat user is bound to an active
    account, otherwise a single-use bind ticket."""
    # Call WeChat before touching the database, so no transaction waits on the network.
    try:
        session = await kit.wechat.code_to_session(code)
    except WechatRejected as exc:
        raise _wechat_error(exc.errcode) from None
    except WechatUnreachable:
        raise UpstreamFailed("auth.wechat_unavailable") from None
    now = uow.clock.now()
    identity = await uow.accounts.upsert_wechat_identity(
        openid=session.openid,
        unionid=session.unionid,
        session_key_enc=kit.cipher.encrypt(session.session_key, context=SESSION_KEY_CONTEXT),
        now=now,
    )
    if identity.user_id is not None:
        return await _open_session(
            uow, kit, identity.user_id, request_id=request_id, changes={"method": "wechat"}
        )
    plain, ticket_hash = opaque_secret()
    lifetime = dt.timedelta(minutes=kit.policy.bind_ticket_minutes)
    await uow.accounts.add_bind_ticket(
        ticket_hash=ticket_hash, openid=session.openid, expires_at=now + lifetime
    )
    await uow.commit()
    return BindRequired(bind_ticket=plain, expires_in=int(lifetime.total_seconds()))


async def bind_wechat(
    uow: UnitOfWork,
    kit: AuthKit,
    *,
    bind_ticket: str,
    username: str,
    password: str,
    address: str,
    request_id: str = "-",
) -> Grant:
    """Bind the WeChat user of a bind ticket to an account proven by its password; log in."""
    ticket = await uow.accounts.find_bind_ticket(digest(bind_ticket))
    if ticket is None or ticket.used_at is not None or ticket.expires_at <= uow.clock.now():
        raise Unauthenticated("auth.bind_ticket_invalid")
    creds = await _authenticate(uow, kit, username=username, password=password, address=address)
    now = uow.clock.now()
    if not await uow.accounts.claim_bind_ticket(ticket.id, now=now):
        raise Unauthenticated("auth.bind_ticket_invalid")
    if not await uow.accounts.bind_wechat(ticket.openid, creds.user.id, now=now):
        raise Conflict("auth.wechat_already_bound")
    return await _open_session(
        uow,
        kit,
        creds.user.id,
        request_id=request_id,
        changes={"method": "wechat_bind", "openid": ticket.openid, "address": address},
    )


# --- account administration -------------------------------------------------------------------
