"""The development pipeline's rules as pure functions: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.errors import RuleViolation
from app.domain.members.pipeline import (
    Stage,
    check_advance,
    check_application,
    check_conversion,
    check_extension,
    funnel_stage,
    probation_end,
)

TODAY = dt.date(2026, 11, 22)
D = dt.date


def _code(fn, **kw) -> tuple[str, str | None]:
    with pytest.raises(RuleViolation) as exc:
        fn(**kw)
    return exc.value.code, exc.value.fields[0].pointer


def test_applicant_is_at_least_18_on_the_application_date():
    check_application(birth_date=D(2000, 5, 10), applied_on=D(2018, 5, 10), today=TODAY)
    assert _code(
        check_application, birth_date=D(2000, 5, 10), applied_on=D(2018, 5, 9), today=TODAY
    ) == ("pipeline.too_young", "/birth_date")
    # Born on 29 February: 18 on 28 February of a common year.
    check_application(birth_date=D(2004, 2, 29), applied_on=D(2022, 3, 1), today=TODAY)
    assert _code(
        check_application, birth_date=D(1990, 1, 1), applied_on=D(2026, 11, 23), today=TODAY
    ) == ("pipeline.date_in_future", "/applied_on")


def _adv(current, target, on_date, current_date=D(2020, 1, 1), activist=None):
    return dict(
        current=current,
        current_date=current_date,
        target=target,
        on_date=on_date,
        today=TODAY,
        activist_date=activist,
    )


def test_stages_go_in_order_without_skipping():
    check_advance(**_adv(Stage.APPLICANT, Stage.ACTIVIST, D(2020, 1, 1)))
    check_advance(**_adv(Stage.ACTIVIST, Stage.CANDIDATE, D(2021, 1, 1), activist=D(2020, 1, 1)))
    check_advance(**_adv(Stage.CANDIDATE, Stage.PROBATIONARY, D(2021, 1, 1)))
    check_advance(**_adv(Stage.PROBATIONARY, Stage.FULL, D(2021, 1, 1)))
    for current, target in [
        (Stage.APPLICANT, Stage.CANDIDATE),
        (Stage.APPLICANT, Stage.APPLICANT),
        (Stage.CANDIDATE, Stage.ACTIVIST),
        (Stage.ACTIVIST, Stage.PROBATIONARY),
        (Stage.FULL, Stage.FULL),
    ]:
        assert _code(check_advance, **_adv(current, target, D(2021, 1, 1))) == (
            "pipeline.stage_out_of_order",
            "/stage",
        )


def test_dates_in_order_and_not_in_the_future():
    assert _code(check_advance, **_adv(Stage.APPLICANT, Stage.ACTIVIST, D(2019, 12, 31))) == (
        "pipeline.date_out_of_order",
        "/on_date",
    )
    assert _code(check_advance, **_adv(Stage.APPLICANT, Stage.ACTIVIST, D(2026, 11, 23))) == (
        "pipeline.date_in_future",
        "/on_date",
    )
    check_advance(**_adv(Stage.APPLICANT, Stage.ACTIVIST, TODAY))


def test_a_year_as_activist_before_candidate():
    kw = _adv(Stage.ACTIVIST, Stage.CANDIDATE, D(2021, 3, 14), activist=D(2020, 3, 15))
    assert _code(check_advance, **kw) == ("pipeline.activist_too_short", "/on_date")
    check_advance(**_adv(Stage.ACTIVIST, Stage.CANDIDATE, D(2021, 3, 15), activist=D(2020, 3, 15)))


def test_probation_one_year_plus_any_extension():
    assert probation_end(D(2021, 1, 10), 0) == D(2022, 1, 10)
    assert probation_end(D(2021, 1, 10), 6) == D(2022, 7, 10)
    assert probation_end(D(2020, 2, 29), 0) == D(2021, 2, 28)
    check_conversion(
        admitted=D(2021, 1, 10), extension_months=0, on_date=D(2022, 1, 10), today=TODAY
    )
    assert _code(
        check_conversion,
        admitted=D(2021, 1, 10),
        extension_months=0,
        on_date=D(2022, 1, 9),
        today=TODAY,
    ) == ("pipeline.probation_not_over", "/on_date")
    assert (
        _code(
            check_conversion,
            admitted=D(2021, 1, 10),
            extension_months=6,
            on_date=D(2022, 7, 9),
            today=TODAY,
        )[0]
        == "pipeline.probation_not_over"
    )


def test_extension_once_and_at_most_a_year():
    base = dict(admitted=D(2021, 1, 10), on_date=D(2022, 1, 5), today=TODAY, already=False)
    check_extension(months=12, **base)
    check_extension(months=1, **base)
    for months in (0, 13, -1):
        assert _code(check_extension, months=months, **base) == (
            "pipeline.extension_too_long",
            "/months",
        )
    assert _code(check_extension, months=6, **{**base, "already": True}) == (
        "pipeline.already_extended",
        "/months",
    )
    assert _code(check_extension, months=6, **{**base, "on_date": D(2020, 1, 1)})[0] == (
        "pipeline.date_out_of_order"
    )


def test_funnel_stage_median_and_max():
    assert funnel_stage(Stage.APPLICANT, []) == funnel_stage(Stage.APPLICANT, [])
    empty = funnel_stage(Stage.APPLICANT, [])
    assert (empty.count, empty.median_days, empty.max_days) == (0, None, None)
    odd = funnel_stage(Stage.ACTIVIST, [30, 10, 20])
    assert (odd.count, odd.median_days, odd.max_days) == (3, 20.0, 30)
    even = funnel_stage(Stage.ACTIVIST, [10, 20, 5, 40])
    assert (even.count, even.median_days, even.max_days) == (4, 15.0, 40)
