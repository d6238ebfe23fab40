"""The demo district, drawn from the source articles, loaded through the real use cases.

德化 city-east industrial park: 59 branches covering 251 of 297 enterprises (84.5%), 10
instructors; 和丰 creative plaza regional committee: 19 branches, 2 of them joint, 12
instructors, 253 members; 南湾 street; migrant members affiliated in a home village in another
county (app/demo_members.py). One account per role. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from app.container import Container, build_container
from app.demo_members import seed_members
from app.domain.accounts import users as accounts
from app.domain.accounts.model import NewUser
from app.domain.auth.principal import SYSTEM
from app.domain.auth.scopes import Role
from app.domain.enterprises import coverage, instructors
from app.domain.enterprises import service as enterprises
from app.domain.enterprises.model import EnterpriseKind, InstructorLevel, uscc_check_char
from app.domain.enterprises.ports import NewEnterprise, NewInstructor
from app.domain.orgs import leaders
from app.domain.orgs import service as orgs
from app.domain.orgs.model import Formation, LeaderRole, OrgKind
from app.domain.orgs.ports import NewOrg
from app.security.passwords import ARGON2
from app.settings import Settings

DEMO_CODE = "DEMO-DEHUA"
_INDUSTRIES = ["陶瓷", "陶瓷", "陶瓷", "电子商务", "包装", "物流", "茶叶", "餐饮"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑"


@dataclass
class _Seeder:
    c: Container
    # Demo names and sizes only; a fixed seed keeps the demo the same on every machine.
    rnd: random.Random = field(default_factory=lambda: random.Random(20201))  # noqa: S311
    serial: int = 0
    ids: dict[str, int] = field(default_factory=dict)

    async def org(
        self,
        key: str,
        parent: str | None,
        kind: OrgKind,
        name: str,
        formation: Formation | None = None,
        code: str | None = None,
    ) -> int:
        async with self.c.uow() as uow:
            org = await orgs.create_org(
                uow,
                SYSTEM,
                new=NewOrg(
                    parent_id=self.ids[parent] if parent else None,
                    kind=kind,
                    formation=formation,
                    name=name,
                    short_name=None,
                    code=code,
                    address=None,
                    established_on=dt.date(2018, 6, 1),
                    contact_leader=None,
                ),
            )
        self.ids[key] = org.id
        return org.id

    def credit_code(self, social: bool = False) -> str:
        self.serial += 1
        return self.credit_code_for(self.serial, social)

    @staticmethod
    def credit_code_for(serial: int, social: bool = False) -> str:
        # 91/52: enterprise / social organisation; 350526: 德化县's region code.
        first17 = ("52" if social else "91") + "350526" + "MA" + f"{serial:07d}"
        return first17 + uscc_check_char(first17)

    async def enterprise(
        self,
        org_key: str,
        name: str,
        industry: str,
        *,
        above: bool,
        employees: int,
        social: bool = False,
    ) -> int:
        async with self.c.uow() as uow:
            ent = await enterprises.create_enterprise(
                uow,
                SYSTEM,
                new=NewEnterprise(
                    name=name,
                    credit_code=self.credit_code(social),
                    kind=EnterpriseKind.SOCIAL_ORG if social else EnterpriseKind.ENTERPRISE,
                    industry=industry,
                    above_scale=above,
                    employee_count=employees,
                    address=None,
                    owner_name=self.person(),
                    org_id=self.ids[org_key],
                ),
            )
        return ent.id

    async def cover(self, enterprise_id: int, branch_id: int) -> None:
        async with self.c.uow() as uow:
            await coverage.set_coverage(
                uow, SYSTEM, enterprise_id=enterprise_id, covering_org_id=branch_id
            )

    async def instructor(self, org_key: str, level: InstructorLevel, full_time: bool) -> int:
        async with self.c.uow() as uow:
            ins = await instructors.create_instructor(
                uow,
                SYSTEM,
                new=NewInstructor(
                    name=self.person(),
                    level=level,
                    full_time=full_time,
                    org_id=self.ids[org_key],
                ),
            )
        return ins.id

    async def assign(self, instructor_id: int, enterprise_id: int) -> None:
        async with self.c.uow() as uow:
            await instructors.assign_instructor(
                uow,
                SYSTEM,
                instructor_id=instructor_id,
                enterprise_id=enterprise_id,
                start_on=dt.date(2024, 3, 1),
            )

    async def leader(self, org_id: int, role: LeaderRole, start: dt.date) -> None:
        async with self.c.uow() as uow:
            await leaders.add_leader(
                uow, SYSTEM, org_id=org_id, name=self.person(), role=role, term_start=start
            )

    async def move(self, org_id: int, parent_key: str) -> None:
        async with self.c.uow() as uow:
            await orgs.move_org(uow, SYSTEM, org_id=org_id, new_parent_id=self.ids[parent_key])

    async def account(
        self,
        username: str,
        role: Role,
        org_key: str,
        password: str,
        enterprise_id: int | None = None,
        member_id: int | None = None,
    ) -> None:
        async with self.c.uow() as uow:
            await accounts.create_user(
                uow,
                SYSTEM,
                new=NewUser(
                    username=username,
                    display_name=f"演示{role.value}",
                    role=role,
                    org_id=self.ids[org_key],
                    enterprise_id=enterprise_id,
                    member_id=member_id,
                ),
                password=password,
                hasher=ARGON2,
            )

    def person(self) -> str:
        return self.rnd.choice(_SURNAMES) + self.rnd.choice("建国华明丽芳伟强静敏军燕")


async def _already_seeded(c: Container) -> int | None:
    async with c.uow(readonly=True) as uow:
        return await uow.orgs.id_by_code(DEMO_CODE)


async def seed_demo(settings: Settings, *, password: str) -> list[str]:
    """Load the demo (once); return lines describing what is there."""
    if settings.env == "production":
        raise SystemExit("seed-demo refuses to run with LIANJIAN_ENV=production")
    c = build_container(settings)
    try:
        existing = await _already_seeded(c)
        if existing is not None:
            return [f"demo data already present (district id {existing}); nothing changed"]
        s = _Seeder(c)
        await _tree(s)
        dehua = await _dehua_park(s)
        hefeng = await _hefeng_plaza(s)
        await _home_village(s)
        people = await seed_members(s.c, s.rnd, s.person, s.ids, await _employers(s))
        await _accounts(s, password, people["account"])
        return [
            f"demo district 德化县委 (id {s.ids['district']}), 城东工业园区党委 "
            f"(id {s.ids['dehua_park']}): 59 branches, {dehua['covered']} of "
            f"{dehua['total']} enterprises covered",
            f"和丰创意广场区域党委 (id {s.ids['hefeng']}): 19 branches (2 joint), "
            f"{hefeng} enterprises, {people['hefeng']} members",
            f"members: {people['dehua']} in the 德化 park's branches; {people['migrants']} migrant "
            "members affiliated in their home village (赣县) and working in the park",
            "accounts (password as given): "
            + ", ".join(r.value for r in Role if r is not Role.SYNC_CLIENT),
        ]
    finally:
        await c.close()


async def _tree(s: _Seeder) -> None:
    await s.org("district", None, OrgKind.DISTRICT, "德化县委", code=DEMO_CODE)
    await s.org("two_new", "district", OrgKind.TWO_NEW_COMMITTEE, "德化县两新组织工作委员会")
    await s.org("xunzhong", "district", OrgKind.STREET, "浔中镇党委")
    await s.org("chengdong", "xunzhong", OrgKind.COMMUNITY, "城东社区党委")
    await s.org("dehua_park", "xunzhong", OrgKind.PARK, "城东工业园区党委")
    await s.org("nanwan", "district", OrgKind.STREET, "南湾街道党工委")
    await s.org("hefeng", "nanwan", OrgKind.PARK, "和丰创意广场区域党委")
    await s.org("tea_street", "nanwan", OrgKind.BRANCH, "茶叶街流动党员党支部", Formation.FLOATING)
    await s.leader(s.ids["dehua_park"], LeaderRole.SECRETARY, dt.date(2022, 3, 15))
    await s.leader(s.ids["hefeng"], LeaderRole.SECRETARY, dt.date(2021, 12, 20))


async def _dehua_park(s: _Seeder) -> dict[str, int]:
    """59 branches covering 251 of 297 enterprises: 20 standalone branches, 35 joint branches
    covering 221 micro and small firms by adjacency, 4 attached branches covering 10; 30 more
    firms have an instructor (work coverage), 16 have neither."""
    park = "dehua_park"
    await s.org("industrial_gb", park, OrgKind.GENERAL_BRANCH, "工业党总支")
    standalone, joint, attached = [], [], []
    for i in range(20):
        name = "同鑫陶瓷党支部" if i == 0 else f"城东{i + 1:02d}号企业党支部"
        standalone.append(
            await s.org(f"dh_sa{i}", park, OrgKind.BRANCH, name, Formation.STANDALONE)
        )
    for i in range(35):
        # Eight joint branches start under the general branch; four more are moved there
        # below, as the park did when it set up its 12-branch industrial general branch.
        parent = "industrial_gb" if i < 8 else park
        joint.append(
            await s.org(
                f"dh_jt{i}",
                parent,
                OrgKind.BRANCH,
                f"城东陶瓷企业联合党支部（第{i + 1}片区）",
                Formation.JOINT,
            )
        )
    for i in range(4):
        attached.append(
            await s.org(
                f"dh_at{i}", park, OrgKind.BRANCH, f"城东挂靠党支部{i + 1}", Formation.ATTACHED
            )
        )
    for org_id in joint[8:12]:
        await s.move(org_id, "industrial_gb")
    for i, branch in enumerate(standalone):
        await s.leader(
            branch, LeaderRole.SECRETARY, dt.date(2023, 12, 1) if i < 3 else dt.date(2024, 6, 1)
        )

    covered = 0
    total = 0

    async def firm(name: str, industry: str, *, above: bool, employees: int) -> int:
        nonlocal total
        total += 1
        return await s.enterprise(park, name, industry, above=above, employees=employees)

    for i, branch in enumerate(standalone):
        name = "同鑫陶瓷有限公司" if i == 0 else f"德化城东{i + 1:02d}陶瓷有限公司"
        ent = await firm(name, "陶瓷", above=True, employees=s.rnd.randint(120, 600))
        await s.cover(ent, branch)
        covered += 1
    for i in range(221):
        ent = await firm(
            f"城东小微企业{i + 1:03d}号",
            s.rnd.choice(_INDUSTRIES),
            above=i % 9 == 0,
            employees=s.rnd.randint(5, 60),
        )
        await s.cover(ent, joint[i % len(joint)])
        covered += 1
    for i in range(10):
        ent = await firm(
            f"城东配套企业{i + 1:02d}号",
            s.rnd.choice(_INDUSTRIES),
            above=False,
            employees=s.rnd.randint(3, 20),
        )
        await s.cover(ent, attached[i % len(attached)])
        covered += 1
    instructor_ids = [
        await s.instructor(park, InstructorLevel.PARK, full_time=i < 3) for i in range(10)
    ]
    for i in range(30):
        ent = await firm(
            f"城东新办企业{i + 1:02d}号",
            s.rnd.choice(_INDUSTRIES),
            above=False,
            employees=s.rnd.randint(2, 15),
        )
        await s.assign(instructor_ids[i % len(instructor_ids)], ent)
    for i in range(16):
        await firm(
            f"城东个体企业{i + 1:02d}号",
            s.rnd.choice(_INDUSTRIES),
            above=False,
            employees=s.rnd.randint(1, 8),
        )
    s.ids["tongxin"] = await _first_enterprise_id(s)
    return {"covered": covered, "total": total}


async def _home_village(s: _Seeder) -> None:
    """Another county's tree, for migrant members whose relationship stays at home."""
    await s.org("home_district", None, OrgKind.DISTRICT, "赣县区委")
    await s.org("home_town", "home_district", OrgKind.STREET, "田村镇党委")
    await s.org(
        "home_village", "home_town", OrgKind.BRANCH, "田村镇东村党支部", Formation.STANDALONE
    )


async def _employers(s: _Seeder) -> dict[str, int]:
    """Standalone branches' own enterprises: 德化 firms 1–20, then 和丰's 17 design firms."""
    keys = [f"dh_sa{i}" for i in range(20)] + [f"hf_sa{i}" for i in range(17)]
    serials = list(range(1, 21)) + list(range(298, 315))
    out = {}
    async with s.c.uow(readonly=True) as uow:
        for key, serial in zip(keys, serials, strict=True):
            found = await uow.enterprises.credit_code_owner(s.credit_code_for(serial))
            assert found is not None
            out[key] = found
    return out


async def _first_enterprise_id(s: _Seeder) -> int:
    async with s.c.uow(readonly=True) as uow:
        found = await uow.enterprises.credit_code_owner(s.credit_code_for(1))
    assert found is not None
    return found


async def _hefeng_plaza(s: _Seeder) -> int:
    """19 branches, 2 of them joint; 12 instructors; creative and cultural firms."""
    park = "hefeng"
    branches = []
    for i in range(17):
        branches.append(
            await s.org(
                f"hf_sa{i}",
                park,
                OrgKind.BRANCH,
                f"和丰创意企业党支部{i + 1:02d}",
                Formation.STANDALONE,
            )
        )
    joint = [
        await s.org(
            f"hf_jt{i}", park, OrgKind.BRANCH, f"和丰创意广场联合党支部{i + 1}", Formation.JOINT
        )
        for i in range(2)
    ]
    count = 0
    for i, branch in enumerate(branches):
        ent = await s.enterprise(
            park,
            f"和丰设计{i + 1:02d}有限公司",
            "工业设计",
            above=i < 6,
            employees=s.rnd.randint(30, 300),
        )
        await s.cover(ent, branch)
        count += 1
    for i in range(10):
        ent = await s.enterprise(
            park,
            f"和丰文创工作室{i + 1:02d}",
            "文化创意",
            above=False,
            employees=s.rnd.randint(3, 25),
        )
        await s.cover(ent, joint[i % 2])
        count += 1
    hf_instructors = [
        await s.instructor(park, InstructorLevel.STREET, full_time=i < 2) for i in range(12)
    ]
    for i in range(12):
        ent = await s.enterprise(
            park,
            f"和丰创客空间{i + 1:02d}",
            "文化创意",
            above=False,
            employees=s.rnd.randint(2, 10),
            social=i % 4 == 0,
        )
        await s.assign(hf_instructors[i], ent)
        count += 1
    return count


async def _accounts(s: _Seeder, password: str, member_id: int) -> None:
    await s.account("district_admin", Role.DISTRICT_ADMIN, "district", password)
    await s.account("street_admin", Role.STREET_ADMIN, "xunzhong", password)
    await s.account("park_admin", Role.PARK_ADMIN, "dehua_park", password)
    await s.account("branch_secretary", Role.BRANCH_SECRETARY, "dh_sa0", password)
    await s.account("member", Role.MEMBER, "dh_sa0", password, member_id=member_id)
    await s.account(
        "enterprise_contact",
        Role.ENTERPRISE_CONTACT,
        "dehua_park",
        password,
        enterprise_id=s.ids["tongxin"],
    )
    await s.account("analyst", Role.ANALYST, "district", password)
