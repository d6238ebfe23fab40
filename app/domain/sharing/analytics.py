"""Analytics of order sharing, worker lending and coordination cases over a park or any
subtree, for a period of business dates. Read-only; staff only (no enterprise contacts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.domain.auth.principal import Principal
from app.domain.auth.scopes import Scope
from app.domain.errors import FieldError, Forbidden, InvalidInput
from app.domain.ports import UnitOfWork
from app.domain.sharing import messages as _messages  # noqa: F401  (registers error texts)
from app.domain.sharing.access import is_contact
from app.domain.sharing.joint_model import CategoryCount, month_of, tally
from app.domain.sharing.requests import _root

PERIOD_DAYS_MAX = 3660


@dataclass(frozen=True)
class SharedVolume:
    """Quality-passed deliveries of one process (and unit) in one month."""

    process: str
    unit: str
    month: str
    quantity: int
    value_fen: int  # passed quantity × the allocation's unit price
    batches: int
    failed_quantity: int


@dataclass(frozen=True)
class SharingAnalytics:
    org_id: int
    start: dt.date
    end: dt.date
    shared: list[SharedVolume]
    batches: int
    on_time_batches: int
    on_time_rate: str | None  # percent with one decimal, half up; None without batches
    firms_helped: int  # requesting firms that received passed deliveries
    firms_helping: int  # firms that delivered them
    loans: int
    workers_lent: int
    worker_days: int
    lending_firms: int
    borrowing_firms: int
    cases: list[CategoryCount]


def percent(part: int, whole: int) -> str | None:
    if whole == 0:
        return None
    return str((Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


async def sharing_analytics(
    uow: UnitOfWork, actor: Principal, *, org_id: int | None, start: dt.date, end: dt.date
) -> SharingAnalytics:
    """Shared volume and value by process and month, the on-time rate of delivered batches,
    firms helped and helping, workers lent and worker-days, and cases by category with time to
    close, for the subtree of ``org_id`` (default: your anchor) between ``start`` and ``end``."""
    actor.require(Scope.SHARING_READ)
    if is_contact(actor):
        raise Forbidden("case.stats_staff_only")
    if end < start or (end - start).days > PERIOD_DAYS_MAX:
        raise InvalidInput(
            "case.period_invalid",
            params={"max": PERIOD_DAYS_MAX},
            fields=[FieldError("case.period_invalid", parameter="toDate")],
        )
    root_id = org_id if org_id is not None else actor.org_id
    if root_id is None:
        raise InvalidInput("org.root_required")
    root = await _root(uow, actor, root_id)
    rows = await uow.sharing.delivery_totals(root.path, start=start, end=end)
    volumes: dict[tuple[str, str, str], list[int]] = {}
    batches = on_time = 0
    for process, unit, day, quality, punctual, n, qty, value in rows:
        slot = volumes.setdefault((process, unit, month_of(day)), [0, 0, 0, 0])
        batches += n
        on_time += n if punctual else 0
        if quality == "passed":
            slot[0] += qty
            slot[1] += value
            slot[2] += n
        else:
            slot[3] += qty
    shared = [
        SharedVolume(
            process=p,
            unit=u,
            month=m,
            quantity=v[0],
            value_fen=v[1],
            batches=v[2],
            failed_quantity=v[3],
        )
        for (p, u, m), v in sorted(volumes.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1]))
    ]
    helped, helping = await uow.sharing.firms_helped(root.path, start=start, end=end)
    loans, workers, worker_days, lenders, borrowers = await uow.lending.loan_totals(
        root.path, start=start, end=end
    )
    cases = tally(await uow.joint.case_dates(root.path, start=start, end=end))
    return SharingAnalytics(
        org_id=root.id,
        start=start,
        end=end,
        shared=shared,
        batches=batches,
        on_time_batches=on_time,
        on_time_rate=percent(on_time, batches),
        firms_helped=helped,
        firms_helping=helping,
        loans=loans,
        workers_lent=workers,
        worker_days=worker_days,
        lending_firms=lenders,
        borrowing_firms=borrowers,
        cases=cases,
    )
