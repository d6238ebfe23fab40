"""What must follow when a member's affiliation moves or a member leaves the roll, whichever
use case caused it (a status change, a transfer's report or receipt): an open transfer is
closed and dual-management registrations that no longer make sense end. Each is written and
audited in the caller's transaction; the caller holds the member's row lock (the fixed order:
member, then transfer / registrations) and commits."""

from __future__ import annotations

import datetime as dt

from app.domain.auth.principal import Principal
from app.domain.members.model import Member
from app.domain.members.transfer_model import TransferState
from app.domain.ports import UnitOfWork

# The reason stored on a transfer closed because its member left the roll.
LEFT_ROLL_REASON = "member_left_roll:{kind}"


async def cancel_open_transfer(
    uow: UnitOfWork, actor: Principal, member: Member, *, kind: str
) -> int | None:
    """Cancel the member's open (issued or accepted, lapsed or not) transfer because they left
    the roll (``kind``: struck_off, died, left); its id, or None when there was none."""
    t = await uow.transfers.open_for_member(member.id)
    if t is None:
        return None
    t = await uow.transfers.get(t.id, lock=True)
    if t is None or t.state not in (TransferState.ISSUED, TransferState.ACCEPTED):
        return None  # pragma: no cover - the member lock keeps it open
    today = uow.clock.today()
    reason = LEFT_ROLL_REASON.format(kind=kind)
    done = await uow.transfers.update(
        t.id,
        expected_state=t.state,
        changes={"state": TransferState.CANCELLED, "cancelled_on": today, "reason": reason},
        now=uow.clock.now(),
    )
    assert done is not None  # locked above
    await uow.audit.record(
        actor,
        action="transfer.cancel",
        target_type="member_transfer",
        target_id=t.id,
        org_id=t.from_org_id or t.to_org_id,
        changes={
            "member_id": member.id,
            "state": {"from": t.state.value, "to": TransferState.CANCELLED.value},
            "cancelled_on": today.isoformat(),
            "reason": reason,
            "by": "member.status_change",
        },
    )
    return t.id


async def end_managements(
    uow: UnitOfWork,
    actor: Principal,
    member_id: int,
    *,
    on: dt.date,
    reason: str,
    org_id: int | None = None,
) -> list[int]:
    """End the member's registrations still open on ``on`` (only those at ``org_id`` when
    given: the org the affiliation just moved to cannot also manage them); one audit record
    each, ``reason`` naming the cause (died, transferred_in, transferred_out...)."""
    ended = await uow.managements.end_open(member_id, ended_on=on, reason=reason, org_id=org_id)
    for management_id in ended:
        m = await uow.managements.get(management_id)
        assert m is not None
        await uow.audit.record(
            actor,
            action="management.end",
            target_type="member_management",
            target_id=m.id,
            org_id=m.org_id,
            changes={
                "member_id": member_id,
                "ended_on": on.isoformat(),
                "to_date": m.to_date.isoformat() if m.to_date else None,
                "reason": reason,
            },
        )
    return ended
