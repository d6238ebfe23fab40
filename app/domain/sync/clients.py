"""Machine clients (district systems): registration, secret rotation and the OAuth2
client-credentials grant. Secrets are random and stored only as keyed hashes (HMAC-SHA256 with
the service's lookup key); a rotated secret stays valid for a grace period."""

from __future__ import annotations

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Role, Scope
from app.domain.errors import (
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
    Unauthenticated,
)
from app.domain.members.ports import PersonalDataCipher
from app.domain.orgs.model import OrgStatus
from app.domain.orgs.service import load_org
from app.domain.ports import UnitOfWork
from app.domain.sync import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.sync.model import (
    CLIENT_ORG_KINDS,
    SECRET_CONTEXT,
    ClientGrant,
    IssuedClient,
    SyncClient,
    check_client_scopes,
    check_grace_hours,
    client_id_of,
    client_subject,
    new_client_key,
    new_client_secret,
)
from app.domain.sync.ports import ClientTokenIssuer


def _hash(cipher: PersonalDataCipher, secret: str) -> str:
    return cipher.lookup_hash(secret, context=SECRET_CONTEXT)


def _audit_view(client: SyncClient) -> dict[str, object]:
    return {
        "name": client.name,
        "org_id": client.org_id,
        "scopes": sorted(client.scopes),
        "active": client.active,
    }


async def load_client(
    uow: UnitOfWork, actor: Principal, client_id: int, *, lock: bool = False
) -> SyncClient:
    """The client, if registered inside the actor's subtree; otherwise NotFound."""
    client = await uow.sync.get_client(client_id, lock=lock)
    if client is None:
        raise NotFound("sync.client_not_found", params={"id": client_id})
    org = await uow.orgs.get(client.org_id)
    if org is None or not actor.covers_path(org.path):
        raise NotFound("sync.client_not_found", params={"id": client_id})
    return client


async def register_client(
    uow: UnitOfWork,
    actor: Principal,
    *,
    org_id: int,
    name: str,
    scopes: list[str],
    cipher: PersonalDataCipher,
) -> IssuedClient:
    """Register a district or street system as a machine client; its secret is shown once."""
    actor.require(Scope.SYNC_ADMIN)
    granted = check_client_scopes(scopes)
    org = await load_org(uow, actor, org_id, lock=True, pointer="/org_id")
    if org.kind.value not in CLIENT_ORG_KINDS:
        raise RuleViolation(
            "sync.client_org_kind",
            params={"kind": org.kind.value},
            fields=[FieldError("sync.client_org_kind", pointer="/org_id")],
        )
    if org.status is not OrgStatus.ACTIVE:
        raise RuleViolation(
            "sync.client_org_dissolved",
            fields=[FieldError("sync.client_org_dissolved", pointer="/org_id")],
        )
    clean_name = name.strip()
    if not clean_name:
        raise InvalidInput(
            "sync.client_name_required",
            fields=[FieldError("sync.client_name_required", pointer="/name")],
        )
    secret = new_client_secret()
    client = await uow.sync.add_client(
        client_key=new_client_key(),
        org_id=org.id,
        name=clean_name,
        scopes=sorted(granted),
        secret_hash=_hash(cipher, secret),
        now=uow.clock.now(),
    )
    await uow.audit.record(
        actor,
        action="sync_client.create",
        target_type="sync_client",
        target_id=client.id,
        org_id=client.org_id,
        changes=_audit_view(client),
    )
    await uow.commit()
    return IssuedClient(client, secret)


async def get_client(uow: UnitOfWork, actor: Principal, *, client_id: int) -> SyncClient:
    """One machine client registered in the actor's subtree (never its secret)."""
    actor.require(Scope.SYNC_ADMIN)
    return await load_client(uow, actor, client_id)


async def list_clients(uow: UnitOfWork, actor: Principal) -> list[SyncClient]:
    """The machine clients registered in the actor's subtree."""
    actor.require(Scope.SYNC_ADMIN)
    anchor = await load_org(uow, actor, actor.org_id or 0)
    return await uow.sync.clients_in_subtree(anchor.path)


async def rotate_secret(
    uow: UnitOfWork,
    actor: Principal,
    *,
    client_id: int,
    grace_hours: int,
    cipher: PersonalDataCipher,
) -> IssuedClient:
    """A new secret; the current one keeps working for ``grace_hours`` (0 ends it now)."""
    actor.require(Scope.SYNC_ADMIN)
    grace = check_grace_hours(grace_hours)
    client = await load_client(uow, actor, client_id, lock=True)
    secret = new_client_secret()
    now = uow.clock.now()
    rotated = await uow.sync.rotate_secret(
        client.id,
        secret_hash=_hash(cipher, secret),
        previous_hash=client.secret_hash,
        previous_expires_at=now + grace,
        now=now,
    )
    await uow.audit.record(
        actor,
        action="sync_client.rotate_secret",
        target_type="sync_client",
        target_id=client.id,
        org_id=client.org_id,
        changes={"secret": "changed", "previous_valid_until": (now + grace).isoformat()},
    )
    await uow.commit()
    return IssuedClient(rotated, secret)


async def set_client_active(
    uow: UnitOfWork, actor: Principal, *, client_id: int, active: bool
) -> SyncClient:
    """Suspend or resume a machine client: a suspended one gets no tokens and no syncs."""
    actor.require(Scope.SYNC_ADMIN)
    client = await load_client(uow, actor, client_id, lock=True)
    if client.active == active:
        return client
    updated = await uow.sync.set_active(client.id, active=active, now=uow.clock.now())
    await uow.audit.record(
        actor,
        action="sync_client.activate" if active else "sync_client.deactivate",
        target_type="sync_client",
        target_id=client.id,
        org_id=client.org_id,
        changes={"active": {"from": client.active, "to": active}},
    )
    await uow.commit()
    return updated


async def client_credentials(
    uow: UnitOfWork,
    *,
    client_key: str,
    secret: str,
    scope: str | None,
    cipher: PersonalDataCipher,
    tokens: ClientTokenIssuer,
    request_id: str,
) -> ClientGrant:
    """OAuth2 client-credentials grant (RFC 6749 §4.4): an access token for the client,
    anchored at its org, with the requested scopes (default: all it was granted)."""
    client = await uow.sync.client_by_key(client_key)
    digest = _hash(cipher, secret)
    if client is None or not client.active or not client.secret_matches(digest, uow.clock.now()):
        raise Unauthenticated("oauth.invalid_client")
    wanted = frozenset(scope.split()) if scope and scope.strip() else client.scopes
    if not wanted <= client.scopes:
        raise InvalidInput(
            "oauth.invalid_scope", params={"allowed": " ".join(sorted(client.scopes))}
        )
    issued = tokens.issue(
        subject=client_subject(client.id),
        role=Role.SYNC_CLIENT,
        scopes=wanted,
        org_id=client.org_id,
        now=uow.clock.now(),
    )
    actor = Principal(
        subject=client_subject(client.id),
        role=Role.SYNC_CLIENT,
        scopes=wanted,
        org_id=client.org_id,
        request_id=request_id,
    )
    await uow.audit.record(
        actor,
        action="auth.client_token",
        target_type="sync_client",
        target_id=client.id,
        org_id=client.org_id,
        changes={"scope": " ".join(sorted(wanted))},
    )
    await uow.commit()
    return ClientGrant(
        access_token=issued.token, expires_in=int(issued.expires_in), scope=" ".join(sorted(wanted))
    )


async def acting_client(uow: UnitOfWork, actor: Principal, *, lock: bool = False) -> SyncClient:
    """The active machine client behind the actor's token (sync endpoints are for clients)."""
    client_id = client_id_of(actor.subject)
    client = await uow.sync.get_client(client_id, lock=lock) if client_id is not None else None
    if client is None or not client.active or client.org_id != actor.org_id:
        raise Forbidden("sync.not_a_client")
    return client
