"""GraphQL analytics of order sharing, worker lending and coordination cases (park/subtree)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from app.domain.sharing import analytics as cases
from app.domain.sharing.analytics import SharingAnalytics
from app.domain.sharing.model import format_fen
from app.graphql.context import Context
from app.graphql.sharing_joint import CategoryCountType


@strawberry.type(name="SharedVolume", description="Passed deliveries of a process in a month.")
class SharedVolumeType:
    process: str
    unit: str
    month: str
    quantity: int
    value: str = strawberry.field(description="Yuan, exact (passed quantity × unit price).")
    batches: int
    failed_quantity: int


@strawberry.type(name="SharingAnalytics")
class SharingAnalyticsType:
    org_id: int
    from_date: dt.date
    to_date: dt.date
    shared: list[SharedVolumeType]
    total_value: str
    batches: int
    on_time_batches: int
    on_time_rate: str | None = strawberry.field(description="Percent, one decimal, half up.")
    firms_helped: int
    firms_helping: int
    loans: int
    workers_lent: int
    worker_days: int
    lending_firms: int
    borrowing_firms: int
    cases: list[CategoryCountType]

    @classmethod
    def of(cls, a: SharingAnalytics) -> SharingAnalyticsType:
        return cls(
            org_id=a.org_id,
            from_date=a.start,
            to_date=a.end,
            shared=[
                SharedVolumeType(
                    process=s.process,
                    unit=s.unit,
                    month=s.month,
                    quantity=s.quantity,
                    value=format_fen(s.value_fen),
                    batches=s.batches,
                    failed_quantity=s.failed_quantity,
                )
                for s in a.shared
            ],
            total_value=format_fen(sum(s.value_fen for s in a.shared)),
            batches=a.batches,
            on_time_batches=a.on_time_batches,
            on_time_rate=a.on_time_rate,
            firms_helped=a.firms_helped,
            firms_helping=a.firms_helping,
            loans=a.loans,
            workers_lent=a.workers_lent,
            worker_days=a.worker_days,
            lending_firms=a.lending_firms,
            borrowing_firms=a.borrowing_firms,
            cases=[
                CategoryCountType(
                    category=c.category,
                    opened=c.opened,
                    closed=c.closed,
                    median_days_to_close=c.median_days_to_close,
                    mean_days_to_close=c.mean_days_to_close,
                )
                for c in a.cases
            ],
        )


@strawberry.type
class SharingAnalyticsQueries:
    @strawberry.field(
        description="Order sharing, worker lending and cases over a park or subtree (staff)."
    )
    async def sharing_analytics(
        self,
        info: Info[Context, None],
        from_date: dt.date,
        to_date: dt.date,
        org_id: int | None = None,
    ) -> SharingAnalyticsType:
        ctx = info.context
        async with ctx.uow() as uow:
            result = await cases.sharing_analytics(
                uow, ctx.actor, org_id=org_id, start=from_date, end=to_date
            )
        return SharingAnalyticsType.of(result)
