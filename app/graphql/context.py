"""The typed per-request context: the container, the caller and the request's DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strawberry.fastapi import BaseContext

from app.container import Container
from app.domain.auth.principal import Principal
from app.domain.errors import Unauthenticated
from app.graphql.loaders import Loaders


@dataclass
class Context(BaseContext):
    container: Container
    principal: Principal | None
    language: str
    loaders: Loaders = field(init=False)
    auth_error: Unauthenticated | None = None

    def __post_init__(self) -> None:
        super().__init__()
        self.loaders = Loaders(self.container, self.principal)

    @property
    def actor(self) -> Principal:
        """The verified caller; every resolver goes through this, so none runs anonymously."""
        if self.principal is None:
            raise self.auth_error or Unauthenticated("auth.token_missing")
        return self.principal

    def uow(self, *, readonly: bool = True) -> Any:
        return self.container.uow(readonly=readonly)
