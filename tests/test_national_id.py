"""Unit tests of the pure member rules: id numbers, phones, masking and age bands."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.errors import InvalidInput
from app.domain.members.model import (
    AgeBand,
    age_band,
    age_on,
    band_birth_range,
    mask_national_id,
    mask_phone,
    national_id_check_char,
    validate_national_id,
    validate_phone,
)
from tests.member_fixtures import national_id


def test_check_character_of_a_published_example():
    # GB 11643-1999 worked example: 11010519491231002 → X.
    assert national_id_check_char("11010519491231002") == "X"
    assert validate_national_id("11010519491231002x") == "11010519491231002X"


def test_valid_number_round_trips_with_birth_date():
    number = national_id(dt.date(1990, 1, 1), 7)
    assert validate_national_id(number, birth_date=dt.date(1990, 1, 1)) == number
    assert validate_national_id(f"  {number} ") == number


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("35052519900101123", "length"),
        ("3505251990010112345", "length"),
        ("35052519900101A234", "characters"),
        ("350525199002300010", "date"),  # 30 February
        ("350525199013010010", "date"),  # month 13
    ],
)
def test_invalid_numbers_name_the_rule(value, reason):
    with pytest.raises(InvalidInput) as err:
        validate_national_id(value)
    assert err.value.code == "member.national_id_invalid"
    assert err.value.params == {"reason": reason}
    assert err.value.fields[0].pointer == "/national_id"
    assert value not in repr(err.value.params)


def test_every_wrong_check_character_is_refused():
    number = national_id(dt.date(1985, 6, 15), 321)
    for c in "0123456789X":
        if c != number[17]:
            with pytest.raises(InvalidInput) as err:
                validate_national_id(number[:17] + c)
            assert err.value.params == {"reason": "checksum"}


def test_birth_date_must_match():
    number = national_id(dt.date(1990, 1, 1), 1)
    with pytest.raises(InvalidInput) as err:
        validate_national_id(number, birth_date=dt.date(1990, 1, 2))
    assert err.value.params == {"reason": "birth_date"}


def test_phone_numbers():
    assert validate_phone("138 1234 5678") == "13812345678"
    assert validate_phone("+8619912345678") == "19912345678"
    for bad in ("12812345678", "1381234567", "138123456789", "phone"):
        with pytest.raises(InvalidInput):
            validate_phone(bad)


def test_masks():
    assert mask_national_id("350525199001011234") == "3505**********1234"
    assert mask_phone("13812345678") == "138****5678"


def test_age_bands_at_their_edges():
    today = dt.date(2026, 11, 22)
    assert age_on(dt.date(1990, 11, 23), today) == 35
    assert age_band(dt.date(1990, 11, 23), today) is AgeBand.UP_TO_35
    assert age_band(dt.date(1990, 11, 22), today) is AgeBand.FROM_36_TO_45
    assert age_band(dt.date(1980, 11, 23), today) is AgeBand.FROM_36_TO_45
    assert age_band(dt.date(1980, 11, 22), today) is AgeBand.FROM_46_TO_60
    assert age_band(dt.date(1965, 11, 22), today) is AgeBand.FROM_61
    for band in AgeBand:
        lo, hi = band_birth_range(band, today)
        for birth in (dt.date(1990, 11, 23), dt.date(1990, 11, 22), dt.date(1965, 11, 23)):
            inside = (lo is None or birth > lo) and (hi is None or birth <= hi)
            assert inside == (age_band(birth, today) is band), (band, birth)
