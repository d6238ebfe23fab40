"""Row tuples for COPY: organisations, enterprises, instructors and their assignments
(members: members.py)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from itertools import accumulate

from tree import Node, Tree, descendants

from app.domain.enterprises.model import uscc_check_char
from app.domain.orgs.model import COVERING_KINDS, OrgKind

Row = tuple[object, ...]

ORG_COLUMNS = [
    "id",
    "parent_id",
    "path",
    "depth",
    "kind",
    "formation",
    "name",
    "short_name",
    "code",
    "address",
    "established_on",
    "status",
    "dissolved_on",
    "contact_leader",
    "child_count",
    "version",
    "created_at",
    "updated_at",
    "member_count",
]
ENTERPRISE_COLUMNS = [
    "id",
    "name",
    "credit_code",
    "kind",
    "industry",
    "above_scale",
    "employee_count",
    "address",
    "owner_name",
    "org_id",
    "org_path",
    "coverage_status",
    "covering_org_id",
    "coverage_mode",
    "covered_since",
    "status",
    "version",
    "created_at",
    "updated_at",
]
INSTRUCTOR_COLUMNS = [
    "id",
    "name",
    "level",
    "full_time",
    "org_id",
    "active",
    "version",
    "created_at",
    "updated_at",
]
ASSIGNMENT_COLUMNS = ["id", "instructor_id", "enterprise_id", "start_on", "end_on", "created_at"]

INDUSTRIES = [
    ("陶瓷", 12),
    ("电子商务", 12),
    ("珠宝", 5),
    ("餐饮", 14),
    ("物流", 9),
    ("纺织", 8),
    ("软件", 9),
    ("家具", 8),
    ("家电制造", 7),
    ("建筑", 6),
    ("教育培训", 5),
    ("医疗健康", 5),
]
ABOVE_SCALE_SHARE = 0.30
ORGANISATION_SHARE = 0.75
WORK_SHARE = 0.10
SOCIAL_ORG_SHARE = 0.10
STREET_SHARE = 0.05  # enterprises registered directly with a district-level area's street

_SURNAMES = "陈李黄张梁何林罗郑谢冯邓叶苏吴潘杜钟"
_GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超秀霞平刚桂英华志"
_BRANDS = "嘉鸿宏盛达信诚德利瑞恒通泰祥鑫源腾卓远航美华骏豪峰"
_MODES = {"standalone": "standalone", "joint": "joint", "attached": "attached"}
_EPOCH = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
_SPAN_SECONDS = int((dt.datetime(2025, 12, 31, tzinfo=dt.UTC) - _EPOCH).total_seconds())
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def moment(rng: random.Random) -> dt.datetime:
    return _EPOCH + dt.timedelta(seconds=rng.randrange(_SPAN_SECONDS))


def person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def organisation_code(n: int) -> str:
    """GB 11714 organisation code: 8 digits (a bijection of ``n`` below 10^8) + check."""
    body = f"{(n * 7919 + 31415926) % 100_000_000:08d}"
    c = 11 - sum(int(d) * w for d, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)) % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def credit_code(n: int, *, social_org: bool, division: str) -> str:
    """GB 32100 unified social credit code, unique for every ``n`` below 10^8."""
    first17 = ("52" if social_org else "91") + division + organisation_code(n)
    return first17 + uscc_check_char(first17)


def org_rows(
    rng: random.Random, tree: Tree, member_counts: dict[int, int] | None = None
) -> list[Row]:
    """One row per organisation; ``member_count`` from the members generated there."""
    counts = member_counts or {}
    rows: list[Row] = []
    for n in tree.nodes:
        created = moment(rng)
        committee = n.kind not in COVERING_KINDS
        rows.append(
            (
                n.id,
                n.parent_id,
                n.path,
                n.depth,
                n.kind.value,
                n.formation,
                n.name,
                None,
                f"LJ{n.id:08d}" if committee else None,
                f"广东省{n.name[:2]}路{rng.randint(1, 999)}号" if committee else None,
                created.date(),
                "active",
                None,
                person(rng) if rng.random() < 0.5 else None,
                len(n.children),
                1,
                created,
                created + dt.timedelta(days=rng.randint(0, 200)),
                counts.get(n.id, 0),
            )
        )
    return rows


@dataclass
class Host:
    """Where enterprises are registered, and which organisations there can cover them."""

    node: Node
    covering: list[Node]
    weight: float
    instructor_id: int = 0


def hosts(tree: Tree) -> list[Host]:
    out = []
    for unit in tree.units:
        below = list(descendants(unit))
        covering = [n for n in below if n.kind in COVERING_KINDS]
        out.append(Host(unit, covering, float(len(below))))
    for street in tree.streets:
        size = sum(1 for _ in descendants(street))
        direct = [n for n in street.children if n.kind is OrgKind.BRANCH]
        out.append(Host(street, direct, size * STREET_SHARE))
    for i, host in enumerate(out):
        host.instructor_id = i + 1
    return out


def instructor_rows(rng: random.Random, all_hosts: list[Host]) -> list[Row]:
    rows: list[Row] = []
    for h in all_hosts:
        created = moment(rng)
        level = h.node.kind.value if h.node.kind is not OrgKind.TWO_NEW_COMMITTEE else "district"
        full_time = rng.random() < 0.3
        rows.append(
            (h.instructor_id, person(rng), level, full_time, h.node.id, True, 1, created, created)
        )
    return rows


_INDUSTRY_NAMES = [name for name, _ in INDUSTRIES]
_INDUSTRY_CUM = list(accumulate(weight for _, weight in INDUSTRIES))

Coverage = tuple[str, int | None, str | None, dt.date | None]


def _coverage(rng: random.Random, host: Host, created: dt.datetime) -> Coverage:
    """(status, covering_org_id, mode, covered_since)."""
    r = rng.random()
    since = (created + dt.timedelta(days=rng.randint(0, 365))).date()
    if r < ORGANISATION_SHARE and host.covering:
        org = rng.choice(host.covering)
        return "organisation", org.id, _MODES.get(org.formation or "", "joint"), since
    if r < ORGANISATION_SHARE + WORK_SHARE:
        return "work", None, None, since
    return "none", None, None, None


def enterprise_rows(
    rng: random.Random, all_hosts: list[Host], count: int
) -> tuple[list[Row], list[Row]]:
    """Enterprises in random registration order, and assignments for the work-covered ones."""
    chosen = rng.choices(all_hosts, weights=[h.weight for h in all_hosts], k=count)
    rows: list[Row] = []
    assignments: list[Row] = []
    for i, host in enumerate(chosen, start=1):
        social = rng.random() < SOCIAL_ORG_SHARE
        industry = rng.choices(_INDUSTRY_NAMES, cum_weights=_INDUSTRY_CUM)[0]
        above = not social and rng.random() < ABOVE_SCALE_SHARE / (1 - SOCIAL_ORG_SHARE)
        created = moment(rng)
        status, covering_id, mode, since = _coverage(rng, host, created)
        suffix = "协会" if social else "有限公司"
        rows.append(
            (
                i,
                f"{host.node.name[:2]}{''.join(rng.sample(_BRANDS, 2))}{industry}{suffix}",
                credit_code(i, social_org=social, division=host.node.division),
                "social_org" if social else "enterprise",
                industry,
                above,
                rng.randint(100, 3000) if above else rng.randint(3, 99),
                f"广东省{host.node.name[:2]}大道{rng.randint(1, 2000)}号",
                person(rng),
                host.node.id,
                host.node.path,
                status,
                covering_id,
                mode,
                since,
                "active",
                1,
                created,
                created + dt.timedelta(days=rng.randint(0, 400)),
            )
        )
        if status == "work" and since is not None:
            assigned = dt.datetime.combine(since, dt.time(9), tzinfo=dt.UTC)
            assignments.append((len(assignments) + 1, host.instructor_id, i, since, None, assigned))
    return rows, assignments
