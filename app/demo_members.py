"""The demo's members: 和丰's 253 over its 19 branches, a few in every 德化 branch, and migrant
members whose relationship stays in their home village's branch (another county) while they
work in the 德化 park, so dual management has someone to manage.

Loaded through the real use cases, like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping

from app.container import Container
from app.domain.auth.principal import SYSTEM
from app.domain.members import managements, transfers
from app.domain.members import service as members
from app.domain.members.management_model import NewManagement
from app.domain.members.model import Education, Gender, MemberStatus, national_id_check_char
from app.domain.members.ports import MemberFilter, NewMember
from app.domain.pagination import PageRequest

HEFENG_MEMBERS = 253
# Region codes of the id numbers: 德化县, and the home counties of the migrant members.
_DEHUA = "350526"
_HOME_COUNTY = "360721"  # 赣县, where the migrant members' home village is
_EDUCATION = [
    Education.JUNIOR_HIGH,
    Education.SENIOR_HIGH,
    Education.SENIOR_HIGH,
    Education.ASSOCIATE,
    Education.ASSOCIATE,
    Education.BACHELOR,
    Education.BACHELOR,
    Education.MASTER,
]
_GIVEN = "建国华明丽芳伟强静敏军燕志红海涛秀英晓辉"


def hefeng_sizes() -> list[int]:
    """Members per 和丰 branch: 17 standalone then 2 joint, 253 in all."""
    sizes = [13] * 17 + [16, 16]
    sizes[0] += HEFENG_MEMBERS - sum(sizes)
    return sizes


class MemberSeeder:
    def __init__(
        self, c: Container, rnd: random.Random, name: Callable[[], str], today: dt.date
    ) -> None:
        self.c = c
        self.rnd = rnd
        self.name = name
        self.today = today
        self.serial = 0

    def national_id(self, region: str, birth: dt.date) -> str:
        self.serial += 1
        body = f"{region}{birth:%Y%m%d}{self.serial % 1000:03d}"
        return body + national_id_check_char(body)

    async def member(
        self,
        org_id: int,
        *,
        region: str = _DEHUA,
        employer: int | None = None,
        veteran: bool = False,
    ) -> int:
        rnd = self.rnd
        birth = dt.date(rnd.randint(1958, 2001), rnd.randint(1, 12), rnd.randint(1, 28))
        earliest = birth.replace(year=birth.year + 19)
        # About one in twelve joined within the last year and is still probationary.
        probationary = rnd.random() < 0.08 and not veteran
        if probationary:
            joined = self.today - dt.timedelta(days=rnd.randint(30, 330))
        else:
            span = max((self.today - earliest).days - 400, 1)
            joined = earliest + dt.timedelta(days=rnd.randint(0, span))
        if joined < earliest:
            joined = earliest
        new = NewMember(
            name=self.name(),
            gender=Gender.FEMALE if rnd.random() < 0.35 else Gender.MALE,
            birth_date=birth,
            national_id=self.national_id(region, birth),
            join_date=joined,
            status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
            full_member_date=None if probationary else joined.replace(year=joined.year + 1),
            org_id=org_id,
            ethnicity="汉族",
            education=rnd.choice(_EDUCATION),
            employer_enterprise_id=employer,
            phone=f"1{rnd.choice('3578')}{rnd.randint(0, 999_999_999):09d}",
        )
        async with self.c.uow() as uow:
            view = await members.create_member(uow, SYSTEM, new=new, cipher=self.c.cipher)
        return view.member.id


async def seed_members(
    c: Container,
    rnd: random.Random,
    name: Callable[[], str],
    ids: Mapping[str, int],
    employers: Mapping[str, int],
) -> dict[str, int]:
    """Members for the demo; returns counts and the id of the demo member account's record."""
    s = MemberSeeder(c, rnd, name, today=c.clock.today())
    hefeng = 0
    keys = [f"hf_sa{i}" for i in range(17)] + ["hf_jt0", "hf_jt1"]
    for key, size in zip(keys, hefeng_sizes(), strict=True):
        for _ in range(size):
            await s.member(ids[key], employer=employers.get(key))
            hefeng += 1
    dehua = 0
    first = 0
    dehua_keys = (
        [f"dh_sa{i}" for i in range(20)]
        + [f"dh_jt{i}" for i in range(35)]
        + [f"dh_at{i}" for i in range(4)]
    )
    for key in dehua_keys:
        # Standalone branches have enough members of their own; joint and attached ones fewer.
        size = rnd.randint(5, 12) if key.startswith("dh_sa") else rnd.randint(3, 6)
        for _ in range(size):
            member_id = await s.member(ids[key], employer=employers.get(key))
            first = first or member_id
            dehua += 1
    migrants = []
    for _ in range(12):
        # Full members for over a year, so their registrations here start after they joined.
        migrants.append(await s.member(ids["home_village"], region=_HOME_COUNTY, veteran=True))
    # They work in the park: each is managed by the branch of the firm employing them, some
    # for more than six months already (they should transfer: a compliance finding).
    for i, member_id in enumerate(migrants):
        since = s.today - dt.timedelta(days=30 + 25 * i)
        async with c.uow() as uow:
            await managements.register_management(
                uow,
                SYSTEM,
                member_id=member_id,
                national_id=None,
                new=NewManagement(
                    org_id=ids[f"dh_sa{i % 6}"],
                    from_date=since,
                    certificate_no=f"赣流动{2026_0001 + i}",
                    notes="在园区企业务工",
                ),
                cipher=c.cipher,
            )
    await _transfers(c, ids, s.today)
    return {"hefeng": hefeng, "dehua": dehua, "migrants": len(migrants), "account": first}


async def _first_members(c: Container, org_id: int, n: int) -> list[int]:
    async with c.uow(readonly=True) as uow:
        page = await members.list_members(
            uow,
            SYSTEM,
            org_id=org_id,
            filters=MemberFilter(direct_only=True),
            page=PageRequest(limit=n),
            cipher=c.cipher,
        )
    return [v.member.id for v in page.items]


async def _transfers(c: Container, ids: Mapping[str, int], today: dt.date) -> None:
    """Letters in every state a work queue shows: 和丰 members moving to 德化 branches (one
    awaiting a decision, one accepted and awaiting the report), one leaving the system (open),
    and a move inside the 德化 park, completed. 和丰 keeps its 253 until they report."""
    movers = await _first_members(c, ids["hf_sa3"], 3) + await _first_members(c, ids["dh_sa4"], 1)
    plan = [("dh_sa1", "issued"), ("dh_sa2", "accepted"), (None, "issued"), ("dh_sa3", "completed")]
    for n, (member_id, (target, state)) in enumerate(zip(movers, plan, strict=True)):
        new = transfers.NewTransfer(
            member_id=member_id,
            letter_no=f"组转〔2026〕{n + 1:03d}号",
            dues_paid_until=f"{today:%Y-%m}",
            to_org_id=ids[target] if target else None,
            external_name=None if target else "厦门市思明区某社区党委",
            external_region=None if target else "福建省厦门市",
            issued_on=today - dt.timedelta(days=10),
        )
        async with c.uow() as uow:
            t = await transfers.issue_transfer(uow, SYSTEM, new=new)
        if state in ("accepted", "completed"):
            async with c.uow() as uow:
                await transfers.accept_transfer(uow, SYSTEM, transfer_id=t.transfer.id)
        if state == "completed":
            async with c.uow() as uow:
                await transfers.report_transfer(uow, SYSTEM, transfer_id=t.transfer.id)
