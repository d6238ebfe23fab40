"""Who is acting: built from a verified token by the edges, passed into every use case."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.auth.scopes import Role, Scope
from app.domain.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Principal:
    subject: str  # "user:12", "client:3", "system"
    role: Role | None
    scopes: frozenset[str]
    org_id: int | None  # anchor of the subtree the principal may act in; None only for system
    request_id: str = "-"
    enterprise_id: int | None = None
    user_id: int | None = None
    token_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def has(self, scope: Scope) -> bool:
        return scope.value in self.scopes

    def require(self, scope: Scope) -> None:
        if not self.has(scope):
            raise Forbidden("auth.scope_missing", params={"scope": scope.value})

    def covers_path(self, path: str) -> bool:
        """True when an object at materialised ``path`` lies in the principal's subtree."""
        if self.org_id is None:
            return self.subject == "system"
        return f"/{self.org_id}/" in path

    def ensure_covers(self, path: str, *, code: str, params: dict[str, object]) -> None:
        # Outside the subtree answers exactly like "absent" so existence does not leak.
        if not self.covers_path(path):
            raise NotFound(code, params=params)


SYSTEM = Principal(
    subject="system", role=None, scopes=frozenset(s.value for s in Scope), org_id=None
)
