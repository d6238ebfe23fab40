"""Members for the generated province: how many each branch and general branch holds, their
id numbers (valid, unique, a function of the member's index so run.py can rebuild them), and
the row tuples for ``members`` and ``member_affiliations``.

Personal numbers are encrypted and hashed with the app's own DataCipher and contexts, under
common.BENCH_DATA_KEY. Everything here draws from its own random.Random, so adding members
leaves the organisations and enterprises of a seed unchanged.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from common import BENCH_DATA_KEY
from rows import Row, moment, person
from tree import Node, Tree

from app.db.models import MemberRow
from app.domain.members.model import (
    HOLDING_KINDS,
    NATIONAL_ID_CONTEXT,
    PHONE_CONTEXT,
    Education,
    Gender,
    MemberStatus,
    Standing,
    national_id_check_char,
)
from app.domain.orgs.model import OrgKind
from app.security.crypto import DataCipher

MEMBER_COLUMNS = [
    "id",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "specialty",
    "employer_enterprise_id",
    "join_date",
    "full_member_date",
    "status",
    "standing",
    "standing_since",
    "national_id_enc",
    "national_id_hash",
    "phone_enc",
    "phone_hash",
    "org_id",
    "org_path",
    "version",
    "created_at",
    "updated_at",
]
assert set(MEMBER_COLUMNS) == {c.name for c in MemberRow.__table__.c}, "members columns changed"
AFFILIATION_COLUMNS = ["id", "member_id", "org_id", "from_date", "to_date", "reason"]

# Members per holding organisation: log-normal (a few large enterprise branches, many small
# ones), scaled by the branch's formation; a general branch holds few members directly (its
# committee), most sit in its branches.
SIGMA = 0.85
FORMATION_SCALE = {"standalone": 1.3, "joint": 1.0, "attached": 0.7, "floating": 0.6}
GENERAL_BRANCH_SCALE = 0.3
EMPLOYED_SHARE = 0.5  # members with an employer among the enterprises registered nearby
PHONE_EVERY = 8  # every 8th member has no phone on record

TODAY = dt.date(2026, 11, 22)  # fixed, so the same seed gives the same statuses
PROBATION = dt.timedelta(days=365)
_EARLIEST_JOIN = dt.date(1958, 1, 1)

# Id numbers: division code of the place of birth, birth date, a 3-digit sequence whose last
# digit is odd for men, the check character. Member n gets combination (n * MULT + OFFSET) mod
# SPACE, a bijection of [0, SPACE), so numbers are unique for every n below SPACE.
_DIVISIONS = [
    "440604", "440605", "440606", "440607", "440608", "440103", "440104", "440105",
    "440106", "440111", "440112", "440113", "440114", "440115", "440117", "440118",
    "350525", "350526", "360733", "430524", "441522", "445202", "450881", "510922",
]  # fmt: skip
_BIRTH_FIRST = dt.date(1940, 1, 1)
_BIRTH_DAYS = (dt.date(2007, 12, 31) - _BIRTH_FIRST).days + 1  # everyone is 18 or older
_ID_SPACE = len(_DIVISIONS) * _BIRTH_DAYS * 1000
_ID_MULT = 1_000_000_007
_ID_OFFSET = 123_456_789
assert math.gcd(_ID_MULT, _ID_SPACE) == 1

_ETHNICITIES = [("汉族", 950), ("壮族", 15), ("回族", 8), ("满族", 7), ("瑶族", 6), ("畲族", 5),
                ("土家族", 5), ("苗族", 4)]  # fmt: skip
_EDUCATIONS = [
    (Education.PRIMARY, 4),
    (Education.JUNIOR_HIGH, 12),
    (Education.SENIOR_HIGH, 20),
    (Education.ASSOCIATE, 24),
    (Education.BACHELOR, 30),
    (Education.MASTER, 6),
    (Education.DOCTORATE, 1),
]
_SPECIALTIES = ["财务会计", "机械制造", "电子信息", "市场营销", "法律", "教育", "医疗护理",
                "建筑工程", "物流管理", "软件开发", "陶瓷工艺", "行政管理"]  # fmt: skip
_ETH_NAMES = [e for e, _ in _ETHNICITIES]
_ETH_CUM = list(accumulate(w for _, w in _ETHNICITIES))
_EDU_NAMES = [e.value for e, _ in _EDUCATIONS]
_EDU_CUM = list(accumulate(w for _, w in _EDUCATIONS))


def national_id(n: int) -> str:
    """The valid, unique 18-character id number of member ``n`` (its id)."""
    k = (n * _ID_MULT + _ID_OFFSET) % _ID_SPACE
    k, division = divmod(k, len(_DIVISIONS))
    day, seq = divmod(k, 1000)
    birth = _BIRTH_FIRST + dt.timedelta(days=day)
    first17 = f"{_DIVISIONS[division]}{birth:%Y%m%d}{seq:03d}"
    return first17 + national_id_check_char(first17)


def phone(n: int) -> str | None:
    if n % PHONE_EVERY == 0:
        return None
    return f"1{3 + n % 7}{(n * 7_654_321 + 13_579) % 1_000_000_000:09d}"


def bench_cipher() -> DataCipher:
    return DataCipher(base64.urlsafe_b64decode(BENCH_DATA_KEY + "=" * (-len(BENCH_DATA_KEY) % 4)))


def members_rng(seed: int) -> random.Random:
    return random.Random(f"{seed}/members")


def holders(tree: Tree) -> list[Node]:
    return [n for n in tree.nodes if n.kind in HOLDING_KINDS]


def allocate(rng: random.Random, nodes: list[Node], total: int) -> list[int]:
    """Exactly ``total`` members over ``nodes`` (largest remainder), skewed as described."""
    if total == 0 or not nodes:
        return [0] * len(nodes)
    weights = []
    for n in nodes:
        w = rng.lognormvariate(0.0, SIGMA)
        if n.kind is OrgKind.GENERAL_BRANCH:
            w *= GENERAL_BRANCH_SCALE
        else:
            w *= FORMATION_SCALE.get(n.formation or "", 0.9)
        weights.append(w)
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    shares = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


@dataclass
class Placement:
    """Where a member sits, and what the organisation rows hold for it."""

    node: Node
    established_on: dt.date
    employers: list[int]


def placements(
    nodes: list[Node],
    counts: list[int],
    established: dict[int, dt.date],
    enterprises_at: dict[int, list[int]],
) -> list[Placement]:
    """One entry per member slot, in holder order (shuffled by the caller)."""
    out: list[Placement] = []
    for node, count in zip(nodes, counts, strict=True):
        if not count:
            continue
        ancestors = [int(p) for p in node.path.strip("/").split("/")]
        employers = next(
            (enterprises_at[a] for a in reversed(ancestors) if a in enterprises_at), []
        )
        place = Placement(node, established[node.id], employers)
        out.extend([place] * count)
    return out


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def member_rows(
    rng: random.Random, slots: list[Placement], cipher: DataCipher, chunk: int = 50_000
) -> Iterator[tuple[list[Row], list[Row]]]:
    """(members, affiliations) in chunks; member ``i`` (1-based) has ``national_id(i)``."""
    members: list[Row] = []
    affiliations: list[Row] = []
    encrypt, digest = cipher.encrypt, cipher.lookup_hash
    active, registered = Standing.ACTIVE.value, "registered"
    for i, place in enumerate(slots, start=1):
        nid = national_id(i)
        birth = dt.date(int(nid[6:10]), int(nid[10:12]), int(nid[12:14]))
        gender = Gender.MALE.value if int(nid[16]) % 2 else Gender.FEMALE.value
        earliest = max(_add_years(birth, 18), _EARLIEST_JOIN)
        join = earliest + dt.timedelta(days=rng.randrange(max(1, (TODAY - earliest).days)))
        full = join + PROBATION if join + PROBATION <= TODAY else None
        status = MemberStatus.FULL.value if full else MemberStatus.PROBATIONARY.value
        tel = phone(i)
        created = moment(rng)
        node = place.node
        employer = (
            rng.choice(place.employers)
            if place.employers and rng.random() < EMPLOYED_SHARE
            else None
        )
        members.append(
            (
                i,
                person(rng),
                gender,
                birth,
                rng.choices(_ETH_NAMES, cum_weights=_ETH_CUM)[0],
                rng.choices(_EDU_NAMES, cum_weights=_EDU_CUM)[0] if rng.random() < 0.95 else None,
                rng.choice(_SPECIALTIES) if rng.random() < 0.4 else None,
                employer,
                join,
                full,
                status,
                active,
                None,
                encrypt(nid, context=NATIONAL_ID_CONTEXT),
                digest(nid, context=NATIONAL_ID_CONTEXT),
                encrypt(tel, context=PHONE_CONTEXT) if tel else None,
                digest(tel, context=PHONE_CONTEXT) if tel else None,
                node.id,
                node.path,
                1,
                created,
                created + dt.timedelta(days=rng.randint(0, 300)),
            )
        )
        affiliations.append((i, i, node.id, max(join, place.established_on), None, registered))
        if len(members) >= chunk:
            yield members, affiliations
            members, affiliations = [], []
    if members:
        yield members, affiliations
