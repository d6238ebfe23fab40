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
from app.domain.members import service as members
from app.domain.members.model import Education, Gender, MemberStatus, national_id_check_char
from app.domain.members.ports import NewMember

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
        self, org_id: int, *, region: str = _DEHUA, employer: int | None = None
    ) -> int:
        rnd = self.rnd
        birth = dt.date(rnd.randint(1958, 2001), rnd.randint(1, 12), rnd.randint(1, 28))
        earliest = birth.replace(year=birth.year + 19)
        # About one in twelve joined within the last year and is still probationary.
        probationary = rnd.random() < 0.08
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
        migrants.append(await s.member(ids["home_village"], region=_HOME_COUNTY))
    return {"hefeng": hefeng, "dehua": dehua, "migrants": len(migrants), "account": first}
