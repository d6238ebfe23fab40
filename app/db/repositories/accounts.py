"""SQL for accounts, refresh tokens, login failures and WeChat identities.

Token, failure, bind-ticket and WeChat-session writes are bookkeeping: they carry the
``audit_exempt`` option. Account rows and bindings are audited by the use cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import (
    LoginFailureRow,
    OrgRow,
    RefreshTokenRow,
    UserRow,
    WechatBindTicketRow,
    WechatIdentityRow,
)
from app.db.repositories.keyset import keyset_page
from app.domain.accounts.model import (
    BindTicket,
    Credentials,
    NewUser,
    RefreshToken,
    User,
    WechatIdentity,
)
from app.domain.accounts.ports import UserFilter
from app.domain.auth.scopes import Role
from app.domain.orgs.model import subtree_bounds
from app.domain.pagination import Page, PageRequest

_EXEMPT: dict[str, Any] = {"audit_exempt": True}

_USER_COLUMNS: list[Any] = [
    UserRow.id,
    UserRow.username,
    UserRow.display_name,
    UserRow.role,
    UserRow.org_id,
    UserRow.enterprise_id,
    UserRow.member_id,
    UserRow.active,
    UserRow.created_at,
    UserRow.updated_at,
    OrgRow.path.label("org_path"),
]


def _users() -> sa.Select[Any]:
    return sa.select(*_USER_COLUMNS).join(OrgRow, OrgRow.id == UserRow.org_id)


def to_user(row: Any) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        org_id=row.org_id,
        org_path=row.org_path,
        enterprise_id=row.enterprise_id,
        member_id=row.member_id,
        active=bool(row.active),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_refresh_token(row: RefreshTokenRow) -> RefreshToken:
    return RefreshToken(
        id=row.id,
        family_id=row.family_id,
        user_id=row.user_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
        revoked_at=row.revoked_at,
    )


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


class SqlAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # users

    async def get(self, user_id: int, *, lock: bool = False) -> User | None:
        stmt = _users().where(UserRow.id == user_id)
        if lock:
            stmt = stmt.with_for_update(of=UserRow)
        row = (await self.s.execute(stmt)).first()
        return to_user(row) if row else None

    async def credentials(self, username: str) -> Credentials | None:
        stmt = _users().add_columns(UserRow.password_hash).where(UserRow.username == username)
        row = (await self.s.execute(stmt)).first()
        return Credentials(user=to_user(row), password_hash=row.password_hash) if row else None

    async def username_taken(self, username: str) -> bool:
        stmt = sa.select(UserRow.id).where(UserRow.username == username).limit(1)
        return (await self.s.execute(stmt)).first() is not None

    async def add(self, new: NewUser, *, password_hash: str, now: dt.datetime) -> User | None:
        try:
            # A savepoint, so a lost race on the unique username leaves the transaction usable.
            async with self.s.begin_nested():
                result = await self.s.execute(
                    sa.insert(UserRow)
                    .values(
                        username=new.username,
                        password_hash=password_hash,
                        display_name=new.display_name,
                        role=new.role.value,
                        org_id=new.org_id,
                        enterprise_id=new.enterprise_id,
                        member_id=new.member_id,
                        active=True,
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(UserRow.id)
                )
                user_id = result.scalar_one()
        except IntegrityError:
            return None
        return await self.get(user_id)

    async def set_active(self, user_id: int, active: bool, *, now: dt.datetime) -> None:
        await self.s.execute(
            sa.update(UserRow).where(UserRow.id == user_id).values(active=active, updated_at=now)
        )

    async def set_password_hash(
        self, user_id: int, password_hash: str, *, now: dt.datetime
    ) -> None:
        await self.s.execute(
            sa.update(UserRow)
            .where(UserRow.id == user_id)
            .values(password_hash=password_hash, updated_at=now)
        )

    async def in_subtree(self, path: str, *, filters: UserFilter, page: PageRequest) -> Page[User]:
        lo, hi = subtree_bounds(path)
        stmt = _users().where(OrgRow.path >= lo, OrgRow.path < hi)
        if filters.role is not None:
            stmt = stmt.where(UserRow.role == filters.role.value)
        if filters.active is not None:
            stmt = stmt.where(UserRow.active == filters.active)
        if filters.username_contains:
            stmt = stmt.where(
                UserRow.username.contains(filters.username_contains.lower(), autoescape=True)
            )
        rows, next_after = await keyset_page(
            self.s, stmt, key_col=UserRow.username, desc=False, id_col=UserRow.id, page=page
        )
        return Page([to_user(r) for r in rows], next_after)

    # refresh tokens

    async def add_refresh_token(
        self,
        *,
        token_hash: str,
        family_id: str,
        user_id: int,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> None:
        await self.s.execute(
            sa.insert(RefreshTokenRow)
            .values(
                token_hash=token_hash,
                family_id=family_id,
                user_id=user_id,
                created_at=now,
                expires_at=expires_at,
            )
            .execution_options(**_EXEMPT)
        )

    async def find_refresh_token(self, token_hash: str) -> RefreshToken | None:
        stmt = (
            sa.select(RefreshTokenRow)
            .where(RefreshTokenRow.token_hash == token_hash)
            .execution_options(populate_existing=True)
        )
        row = (await self.s.execute(stmt)).scalar_one_or_none()
        return to_refresh_token(row) if row else None

    async def claim_refresh_token(self, token_id: int, *, now: dt.datetime) -> bool:
        # Conditional: of two concurrent refreshes with one token, exactly one matches.
        result = await self.s.execute(
            sa.update(RefreshTokenRow)
            .where(
                RefreshTokenRow.id == token_id,
                RefreshTokenRow.used_at.is_(None),
                RefreshTokenRow.revoked_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False, **_EXEMPT)
        )
        return _rowcount(result) == 1

    async def revoke_family(self, family_id: str, *, now: dt.datetime) -> int:
        result = await self.s.execute(
            sa.update(RefreshTokenRow)
            .where(RefreshTokenRow.family_id == family_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False, **_EXEMPT)
        )
        return _rowcount(result)

    async def revoke_user_tokens(self, user_id: int, *, now: dt.datetime) -> int:
        result = await self.s.execute(
            sa.update(RefreshTokenRow)
            .where(RefreshTokenRow.user_id == user_id, RefreshTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False, **_EXEMPT)
        )
        return _rowcount(result)

    # login throttling

    async def recent_failures(
        self, key: str, *, since: dt.datetime, limit: int
    ) -> list[dt.datetime]:
        stmt = (
            sa.select(LoginFailureRow.at)
            .where(LoginFailureRow.key == key, LoginFailureRow.at > since)
            .order_by(LoginFailureRow.at.desc())
            .limit(limit)
        )
        return list((await self.s.execute(stmt)).scalars())

    async def record_failure(
        self, keys: tuple[str, ...], *, at: dt.datetime, prune_before: dt.datetime
    ) -> None:
        await self.s.execute(
            sa.insert(LoginFailureRow).execution_options(**_EXEMPT),
            [{"key": k, "at": at} for k in keys],
        )
        # Keep the table small: failures older than the window no longer count.
        await self.s.execute(
            sa.delete(LoginFailureRow)
            .where(LoginFailureRow.key.in_(keys), LoginFailureRow.at < prune_before)
            .execution_options(synchronize_session=False, **_EXEMPT)
        )

    async def clear_failures(self, key: str) -> None:
        await self.s.execute(
            sa.delete(LoginFailureRow)
            .where(LoginFailureRow.key == key)
            .execution_options(synchronize_session=False, **_EXEMPT)
        )

    # WeChat

    async def upsert_wechat_identity(
        self, *, openid: str, unionid: str | None, session_key_enc: str, now: dt.datetime
    ) -> WechatIdentity:
        dialect = self.s.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(WechatIdentityRow).values(
            openid=openid,
            unionid=unionid,
            session_key_enc=session_key_enc,
            created_at=now,
            updated_at=now,
        )
        # One statement, so two first logins of the same WeChat user cannot collide.
        upsert = stmt.on_conflict_do_update(
            index_elements=[WechatIdentityRow.openid],
            set_={
                "session_key_enc": stmt.excluded.session_key_enc,
                "unionid": sa.func.coalesce(stmt.excluded.unionid, WechatIdentityRow.unionid),
                "updated_at": stmt.excluded.updated_at,
            },
        ).returning(WechatIdentityRow.id, WechatIdentityRow.openid, WechatIdentityRow.user_id)
        row = (await self.s.execute(upsert.execution_options(**_EXEMPT))).one()
        return WechatIdentity(id=row.id, openid=row.openid, user_id=row.user_id)

    async def bind_wechat(self, openid: str, user_id: int, *, now: dt.datetime) -> bool:
        result = await self.s.execute(
            sa.update(WechatIdentityRow)
            .where(
                WechatIdentityRow.openid == openid,
                sa.or_(WechatIdentityRow.user_id.is_(None), WechatIdentityRow.user_id == user_id),
            )
            .values(user_id=user_id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        return _rowcount(result) == 1

    async def add_bind_ticket(
        self, *, ticket_hash: str, openid: str, expires_at: dt.datetime
    ) -> None:
        await self.s.execute(
            sa.insert(WechatBindTicketRow)
            .values(ticket_hash=ticket_hash, openid=openid, expires_at=expires_at)
            .execution_options(**_EXEMPT)
        )

    async def find_bind_ticket(self, ticket_hash: str) -> BindTicket | None:
        row = (
            await self.s.execute(
                sa.select(WechatBindTicketRow).where(WechatBindTicketRow.ticket_hash == ticket_hash)
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        return BindTicket(
            id=row.id, openid=row.openid, expires_at=row.expires_at, used_at=row.used_at
        )

    async def claim_bind_ticket(self, ticket_id: int, *, now: dt.datetime) -> bool:
        result = await self.s.execute(
            sa.update(WechatBindTicketRow)
            .where(
                WechatBindTicketRow.id == ticket_id,
                WechatBindTicketRow.used_at.is_(None),
                WechatBindTicketRow.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False, **_EXEMPT)
        )
        return _rowcount(result) == 1
