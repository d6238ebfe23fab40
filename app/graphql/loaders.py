"""DataLoaders, built per request: each batch opens its own short read session and drops
anything outside the caller's subtree, so a nested field cannot widen what a query may see."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from app.container import Container
from app.domain.auth.principal import Principal
from app.domain.orgs.model import Org


class Loaders:
    def __init__(self, container: Container, principal: Principal | None) -> None:
        self.container = container
        self.principal = principal
        self.org = DataLoader[int, Org | None](load_fn=self._load_orgs)

    def _visible(self, path: str) -> bool:
        return self.principal is not None and self.principal.covers_path(path)

    async def _load_orgs(self, ids: Sequence[int]) -> list[Org | None]:
        async with self.container.uow(readonly=True) as uow:
            found = await uow.orgs.get_many(list(ids))
        out: list[Org | None] = []
        for i in ids:
            org = found.get(i)
            out.append(org if org is not None and self._visible(org.path) else None)
        return out
