"""A small world for tests: two districts, built through the real use cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from app.container import Container
from app.domain.auth.principal import SYSTEM
from app.domain.auth.scopes import Role, scopes_for
from app.domain.orgs import service as orgs
from app.domain.orgs.model import Formation, OrgKind
from app.domain.orgs.ports import NewOrg


def new_org(
    parent_id: int | None, kind: OrgKind, name: str, formation: Formation | None = None, **kw: Any
) -> NewOrg:
    return NewOrg(
        parent_id=parent_id,
        kind=kind,
        formation=formation,
        name=name,
        short_name=kw.get("short_name"),
        code=kw.get("code"),
        address=kw.get("address"),
        established_on=kw.get("established_on"),
        contact_leader=kw.get("contact_leader"),
    )


# (key, parent key, kind, formation, name)
LAYOUT: list[tuple[str, str | None, OrgKind, Formation | None, str]] = [
    ("district", None, OrgKind.DISTRICT, None, "德化县委"),
    ("street", "district", OrgKind.STREET, None, "浔中镇党委"),
    ("community", "street", OrgKind.COMMUNITY, None, "城东社区党委"),
    ("park", "street", OrgKind.PARK, None, "城东工业园区党委"),
    ("general", "park", OrgKind.GENERAL_BRANCH, None, "工业党总支"),
    ("branch1", "park", OrgKind.BRANCH, Formation.STANDALONE, "同鑫陶瓷党支部"),
    ("branch2", "park", OrgKind.BRANCH, Formation.JOINT, "陶瓷企业联合党支部"),
    ("branch3", "general", OrgKind.BRANCH, Formation.ATTACHED, "挂靠党支部"),
    ("other_district", None, OrgKind.DISTRICT, None, "宣武区委"),
    ("other_street", "other_district", OrgKind.STREET, None, "南湾街道党工委"),
    ("other_park", "other_street", OrgKind.PARK, None, "和丰创意广场区域党委"),
    ("other_branch", "other_park", OrgKind.BRANCH, Formation.JOINT, "和丰联合党支部"),
]


@dataclass
class World:
    c: Container
    client: httpx.AsyncClient
    ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    async def build(cls, c: Container, client: httpx.AsyncClient) -> World:
        w = cls(c, client)
        for key, parent, kind, formation, name in LAYOUT:
            async with c.uow() as uow:
                org = await orgs.create_org(
                    uow,
                    SYSTEM,
                    new=new_org(w.ids[parent] if parent else None, kind, name, formation),
                )
            w.ids[key] = org.id
        return w

    def token(
        self,
        role: Role = Role.DISTRICT_ADMIN,
        org: str = "district",
        scopes: set[str] | None = None,
        enterprise_id: int | None = None,
    ) -> str:
        issued = self.c.tokens.issue(
            subject=f"test:{role.value}:{org}",
            role=role,
            scopes=scopes if scopes is not None else {s.value for s in scopes_for(role)},
            org_id=self.ids[org],
            enterprise_id=enterprise_id,
        )
        return issued.token

    def auth(
        self, role: Role = Role.DISTRICT_ADMIN, org: str = "district", **kw: Any
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, org, **kw)}"}
