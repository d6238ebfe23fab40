"""Administration of staff accounts: create, list, deactivate, reset passwords.

They follow the org tree's pattern: authorise, check the subtree (NotFound outside it, never
Forbidden), audit in the same transaction, commit once.
"""

from __future__ import annotations

from typing import Any

from app.domain.accounts import messages as _messages  # noqa: F401  (registers the codes)
from app.domain.accounts.model import (
    MACHINE_ROLES,
    PASSWORD_MIN_LENGTH,
    NewUser,
    User,
    may_grant,
    normalize_username,
)
from app.domain.accounts.ports import (
    PasswordHasher,
    UserFilter,
)
from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Role, Scope
from app.domain.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from app.domain.orgs.model import OrgStatus
from app.domain.orgs.service import load_org
from app.domain.pagination import Page, PageRequest, check_limit
from app.domain.ports import UnitOfWork


def _check_grantable(actor: Principal, role: Role) -> None:
    if not may_grant(actor.scopes, role):
        raise Forbidden(
            "user.role_not_grantable",
            params={"role": role.value},
            fields=[FieldError("user.role_not_grantable", pointer="/role")],
        )


def _check_password(password: str, *, pointer: str = "/password") -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidInput(
            "user.password_too_short",
            params={"min": PASSWORD_MIN_LENGTH},
            fields=[
                FieldError(
                    "user.password_too_short", pointer=pointer, params={"min": PASSWORD_MIN_LENGTH}
                )
            ],
        )


def _check_not_username(password: str, username: str, *, pointer: str = "/password") -> None:
    if normalize_username(password) == username:
        raise InvalidInput(
            "user.password_is_username",
            fields=[FieldError("user.password_is_username", pointer=pointer)],
        )


async def load_user(uow: UnitOfWork, actor: Principal, user_id: int, *, lock: bool = False) -> User:
    """The account, if its anchor lies inside the actor's subtree; otherwise NotFound."""
    user = await uow.accounts.get(user_id, lock=lock)
    if user is None or not actor.covers_path(user.org_path):
        raise NotFound("user.not_found", params={"id": user_id})
    return user


async def create_user(
    uow: UnitOfWork,
    actor: Principal,
    *,
    new: NewUser,
    password: str,
    hasher: PasswordHasher,
) -> User:
    """Create a staff account anchored at an organisation in the actor's subtree, with a role
    whose scopes the actor holds."""
    actor.require(Scope.ACCOUNTS_WRITE)
    username = normalize_username(new.username)
    if new.role in MACHINE_ROLES:
        raise InvalidInput(
            "user.role_not_allowed",
            params={"role": new.role.value},
            fields=[FieldError("user.role_not_allowed", pointer="/role")],
        )
    _check_grantable(actor, new.role)
    _check_password(password)
    _check_not_username(password, username)
    # Hash before the first query: no transaction (or SQLite lock) waits on Argon2.
    password_hash = await hasher.hash(password)
    org = await load_org(uow, actor, new.org_id, pointer="/org_id")
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "org.dissolved",
            params={"id": org.id},
            fields=[FieldError("org.dissolved", pointer="/org_id")],
        )
    await _check_enterprise(uow, actor, new, org_id=org.id)
    await _check_member(uow, actor, new)
    taken = Conflict(
        "user.username_taken",
        params={"username": username},
        fields=[FieldError("user.username_taken", pointer="/username")],
    )
    if await uow.accounts.username_taken(username):
        raise taken
    user = await uow.accounts.add(
        NewUser(
            username=username,
            display_name=new.display_name.strip(),
            role=new.role,
            org_id=org.id,
            enterprise_id=new.enterprise_id,
            member_id=new.member_id,
        ),
        password_hash=password_hash,
        now=uow.clock.now(),
    )
    if user is None:
        raise taken
    await uow.audit.record(
        actor,
        action="user.create",
        target_type="user",
        target_id=user.id,
        org_id=user.org_id,
        changes=_snapshot(user),
    )
    await uow.commit()
    return user


async def _check_enterprise(
    uow: UnitOfWork, actor: Principal, new: NewUser, *, org_id: int
) -> None:
    pointer = "/enterprise_id"
    if new.role is not Role.ENTERPRISE_CONTACT:
        if new.enterprise_id is not None:
            raise InvalidInput(
                "user.enterprise_not_applicable",
                fields=[FieldError("user.enterprise_not_applicable", pointer=pointer)],
            )
        return
    if new.enterprise_id is None:
        raise InvalidInput(
            "user.enterprise_required",
            fields=[FieldError("user.enterprise_required", pointer=pointer)],
        )
    enterprise = await uow.enterprises.get(new.enterprise_id)
    if enterprise is None or not actor.covers_path(enterprise.org_path):
        raise NotFound(
            "user.enterprise_not_found",
            params={"id": new.enterprise_id},
            fields=[FieldError("user.enterprise_not_found", pointer=pointer)],
        )
    if f"/{org_id}/" not in enterprise.org_path and enterprise.covering_org_id != org_id:
        raise RuleViolation(
            "user.enterprise_outside_org",
            params={"enterprise_id": enterprise.id, "org_id": org_id},
            fields=[FieldError("user.enterprise_outside_org", pointer=pointer)],
        )


async def _check_member(uow: UnitOfWork, actor: Principal, new: NewUser) -> None:
    """A member-role account may be linked to its holder's member record in the subtree."""
    if new.member_id is None:
        return
    pointer = "/member_id"
    if new.role is not Role.MEMBER:
        raise InvalidInput(
            "user.member_not_applicable",
            fields=[FieldError("user.member_not_applicable", pointer=pointer)],
        )
    member = await uow.members.get(new.member_id)
    if member is None or not actor.covers_path(member.org_path):
        raise NotFound(
            "member.not_found",
            params={"id": new.member_id},
            fields=[FieldError("member.not_found", pointer=pointer)],
        )


async def get_user(uow: UnitOfWork, actor: Principal, *, user_id: int) -> User:
    """One account whose anchor lies in the actor's subtree."""
    actor.require(Scope.ACCOUNTS_WRITE)
    return await load_user(uow, actor, user_id)


async def get_me(uow: UnitOfWork, actor: Principal) -> User:
    """The caller's own account (tokens of machine clients have none)."""
    user = await uow.accounts.get(actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise NotFound("user.not_found", params={"id": actor.subject})
    return user


async def list_users(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int | None,
    filters: UserFilter,
    page: PageRequest,
) -> Page[User]:
    """Accounts anchored anywhere in the subtree of ``org_id`` (default: the actor's anchor)."""
    actor.require(Scope.ACCOUNTS_WRITE)
    check_limit(page.limit, maximum=uow.policy.page_size_max)
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    root = await load_org(uow, actor, root_id)
    return await uow.accounts.in_subtree(root.path, filters=filters, page=page)


async def deactivate_user(uow: UnitOfWork, actor: Principal, *, user_id: int) -> User:
    """Deactivate an account and revoke all its refresh tokens (its access tokens lapse within
    their short lifetime)."""
    actor.require(Scope.ACCOUNTS_WRITE)
    user = await load_user(uow, actor, user_id, lock=True)
    _check_grantable(actor, user.role)
    if actor.user_id == user.id:
        raise RuleViolation("user.cannot_deactivate_self")
    if not user.active:
        raise Conflict("user.already_inactive", params={"id": user.id})
    now = uow.clock.now()
    await uow.accounts.set_active(user.id, False, now=now)
    revoked = await uow.accounts.revoke_user_tokens(user.id, now=now)
    await uow.audit.record(
        actor,
        action="user.deactivate",
        target_type="user",
        target_id=user.id,
        org_id=user.org_id,
        changes={"active": {"from": True, "to": False}, "refresh_tokens_revoked": revoked},
    )
    updated = await uow.accounts.get(user.id)
    assert updated is not None
    await uow.commit()
    return updated


async def reset_password(
    uow: UnitOfWork,
    actor: Principal,
    *,
    user_id: int,
    password: str,
    hasher: PasswordHasher,
) -> None:
    """Set a new password for an account (admin reset); its refresh tokens are revoked."""
    actor.require(Scope.ACCOUNTS_WRITE)
    _check_password(password)
    password_hash = await hasher.hash(password)  # before the first query, as in create_user
    user = await load_user(uow, actor, user_id, lock=True)
    _check_grantable(actor, user.role)
    _check_not_username(password, user.username)
    now = uow.clock.now()
    await uow.accounts.set_password_hash(user.id, password_hash, now=now)
    revoked = await uow.accounts.revoke_user_tokens(user.id, now=now)
    await uow.audit.record(
        actor,
        action="user.password_reset",
        target_type="user",
        target_id=user.id,
        org_id=user.org_id,
        changes={"refresh_tokens_revoked": revoked},
    )
    await uow.commit()


def _snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "org_id": user.org_id,
        "enterprise_id": user.enterprise_id,
        "member_id": user.member_id,
        "active": user.active,
    }
