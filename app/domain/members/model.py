"""Members (党员): identity numbers, masking, age bands and statuses. Pure rules."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.errors import Conflict, FieldError, InvalidInput
from app.domain.orgs.model import OrgKind, add_years

NATIONAL_ID_CONTEXT = "member.national_id"
PHONE_CONTEXT = "member.phone"

# Organisations a member's relationship may sit in (党支部, 党总支).
HOLDING_KINDS = frozenset({OrgKind.BRANCH, OrgKind.GENERAL_BRANCH})


class MemberStatus(StrEnum):
    PROBATIONARY = "probationary"  # 预备党员
    FULL = "full"  # 正式党员
    # Later statuses (lost contact, suspended, struck off, died, left) are events of their own.


class Standing(StrEnum):
    """Whether a member is on the roll, and if not, why they left it."""

    ACTIVE = "active"
    LOST_CONTACT = "lost_contact"  # 失联
    SUSPENDED = "suspended"  # 停止党籍
    STRUCK_OFF = "struck_off"  # 除名
    DIED = "died"  # 去世
    LEFT = "left"  # 退党
    TRANSFERRED_OUT = "transferred_out"  # 组织关系转出本系统


# Standings that keep a member on an organisation's roll (and in its member_count).
ON_ROLL = frozenset({Standing.ACTIVE, Standing.LOST_CONTACT, Standing.SUSPENDED})


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Education(StrEnum):
    PRIMARY = "primary"  # 小学
    JUNIOR_HIGH = "junior_high"  # 初中
    SENIOR_HIGH = "senior_high"  # 高中、中专
    ASSOCIATE = "associate"  # 大专
    BACHELOR = "bachelor"  # 本科
    MASTER = "master"  # 硕士
    DOCTORATE = "doctorate"  # 博士


class AgeBand(StrEnum):
    UP_TO_35 = "18-35"
    FROM_36_TO_45 = "36-45"
    FROM_46_TO_60 = "46-60"
    FROM_61 = "61+"


class EventKind(StrEnum):
    JOINED = "joined"  # entered the roster (probationary or full)
    AFFILIATED = "affiliated"  # initial affiliation recorded
    TRANSFERRED_OUT = "transferred_out"  # relationship left an organisation (组织关系转出)
    TRANSFERRED_IN = "transferred_in"  # relationship arrived at an organisation (转入)


# Lower age bound of each band but the first; a band runs to the next bound minus one.
_BAND_FLOORS: tuple[tuple[AgeBand, int], ...] = (
    (AgeBand.FROM_61, 61),
    (AgeBand.FROM_46_TO_60, 46),
    (AgeBand.FROM_36_TO_45, 36),
)


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band(birth: dt.date, today: dt.date) -> AgeBand:
    age = age_on(birth, today)
    for band, floor in _BAND_FLOORS:
        if age >= floor:
            return band
    return AgeBand.UP_TO_35


def born_after_for(age: int, today: dt.date) -> dt.date:
    """Anyone born after this date is younger than ``age`` today."""
    return add_years(today, -age)


def band_birth_range(band: AgeBand, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Birth dates (exclusive lower, inclusive upper) of the people in ``band`` today."""
    bounds = {
        AgeBand.UP_TO_35: (36, None),
        AgeBand.FROM_36_TO_45: (46, 36),
        AgeBand.FROM_46_TO_60: (61, 46),
        AgeBand.FROM_61: (None, 61),
    }[band]
    older_than, at_least = bounds
    lo = born_after_for(older_than, today) if older_than is not None else None
    hi = born_after_for(at_least, today) if at_least is not None else None
    return lo, hi


# GB 11643-1999: 17 digits, a check character over them, and an embedded birth date.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE = re.compile(r"1[3-9]\d{9}")


def national_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def national_id_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def _id_invalid(reason: str) -> InvalidInput:
    return InvalidInput(
        "member.national_id_invalid",
        params={"reason": reason},
        fields=[
            FieldError(
                "member.national_id_invalid", pointer="/national_id", params={"reason": reason}
            )
        ],
    )


def validate_national_id(raw: str, *, birth_date: dt.date | None = None) -> str:
    """The 18-character resident id number, normalised (upper-case X), or a 422.

    The reason in the error names the failed rule (length, characters, date, checksum,
    birth_date) and never echoes the number itself."""
    value = raw.strip().upper()
    if len(value) != 18:
        raise _id_invalid("length")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise _id_invalid("characters")
    embedded = national_id_birth_date(value)
    if embedded is None:
        raise _id_invalid("date")
    if national_id_check_char(value[:17]) != value[17]:
        raise _id_invalid("checksum")
    if birth_date is not None and embedded != birth_date:
        raise _id_invalid("birth_date")
    return value


def validate_phone(raw: str) -> str:
    value = raw.strip().replace(" ", "").replace("-", "")
    if value.startswith("+86"):
        value = value[3:]
    if not _PHONE.fullmatch(value):
        raise InvalidInput(
            "member.phone_invalid", fields=[FieldError("member.phone_invalid", pointer="/phone")]
        )
    return value


def mask_national_id(value: str) -> str:
    """ "350525199001011234" → "3505**********1234"."""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """ "13812345678" → "138****5678"."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class NationalIdTaken(Conflict):
    """The id number already belongs to a member; ``existing_id`` only when the caller may see
    that member (otherwise the conflict still stands, without pointing anywhere)."""

    def __init__(self, existing_id: int | None) -> None:
        super().__init__(
            "member.national_id_taken",
            fields=[FieldError("member.national_id_taken", pointer="/national_id")],
            extra={"existing_id": existing_id} if existing_id is not None else None,
        )


@dataclass
class Member:
    """A member as stored: personal numbers only in encrypted form."""

    id: int
    name: str
    gender: Gender
    birth_date: dt.date
    ethnicity: str | None
    education: Education | None
    specialty: str | None
    employer_enterprise_id: int | None
    join_date: dt.date
    full_member_date: dt.date | None
    status: str
    standing: str
    standing_since: dt.date | None
    national_id_enc: str
    phone_enc: str | None
    org_id: int
    org_path: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    def __repr__(self) -> str:  # keep ciphertexts out of logs and tracebacks too
        return f"Member(id={self.id})"


@dataclass(frozen=True)
class MemberView:
    """A member as a caller may see them: numbers decrypted, masked unless allowed."""

    member: Member
    national_id: str
    phone: str | None
    masked: bool
    managed_here: bool = False  # dual-managed by an org of the caller's (or listing's) subtree

    def __repr__(self) -> str:
        return f"MemberView(id={self.member.id}, masked={self.masked})"


@dataclass(frozen=True)
class Affiliation:
    id: int
    member_id: int
    org_id: int
    from_date: dt.date
    to_date: dt.date | None
    reason: str | None


@dataclass(frozen=True)
class MemberEvent:
    id: int
    member_id: int
    kind: str
    on_date: dt.date
    reason: str | None
    details: dict[str, object]
    created_at: dt.datetime


@dataclass(frozen=True)
class MemberHistory:
    member_id: int
    events: list[MemberEvent]
    affiliations: list[Affiliation]


@dataclass(frozen=True)
class StatsRow:
    """One group of the composition query: members with this status, band and education."""

    status: str
    band: AgeBand
    education: str | None
    count: int
    standing: str = Standing.ACTIVE.value


@dataclass(frozen=True)
class MemberStats:
    org_id: int
    total: int
    by_status: dict[str, int]
    by_age_band: dict[str, int]
    by_education: dict[str, int]  # "unknown" when not recorded
    by_standing: dict[str, int] = field(default_factory=dict)  # on-roll standings only


def fold_stats(org_id: int, rows: list[StatsRow]) -> MemberStats:
    by_status: dict[str, int] = {}
    by_band: dict[str, int] = {b.value: 0 for b in AgeBand}
    by_edu: dict[str, int] = {}
    by_standing: dict[str, int] = {s.value: 0 for s in sorted(ON_ROLL)}
    for r in rows:
        by_standing[r.standing] = by_standing.get(r.standing, 0) + r.count
        by_status[r.status] = by_status.get(r.status, 0) + r.count
        by_band[r.band.value] += r.count
        key = r.education or "unknown"
        by_edu[key] = by_edu.get(key, 0) + r.count
    total = sum(r.count for r in rows)
    return MemberStats(
        org_id,
        total,
        dict(sorted(by_status.items())),
        by_band,
        dict(sorted(by_edu.items())),
        by_standing,
    )


def check_member_dates(
    *,
    birth_date: dt.date,
    join_date: dt.date,
    status: MemberStatus,
    full_member_date: dt.date | None,
    today: dt.date,
) -> None:
    """A full member has a full-member date and a probationary one has none; birth, joining
    and becoming full are in that order and not in the future."""
    if (status is MemberStatus.FULL) != (full_member_date is not None):
        raise InvalidInput(
            "member.full_member_date_required",
            fields=[FieldError("member.full_member_date_required", pointer="/full_member_date")],
        )
    if not (birth_date <= join_date <= (full_member_date or join_date) <= today):
        raise InvalidInput(
            "member.dates_out_of_order",
            fields=[FieldError("member.dates_out_of_order", pointer="/join_date")],
        )
